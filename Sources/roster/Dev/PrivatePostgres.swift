import Foundation
import Logging
import RosterPostgres

#if canImport(Glibc)
import Glibc
#endif

/// A throwaway PostgreSQL server for `roster dev`, in a directory of its own, on a free loopback
/// port with `fsync=off` (the same recipe as `ops/lib/pg-private`). As root, the server runs as
/// the `postgres` user, as initdb requires.
struct PrivatePostgres {
    let directory: URL
    let binaries: URL
    let port: Int

    /// The URL of its `roster` database.
    var url: String { "postgresql://postgres@127.0.0.1:\(port)/roster" }

    /// Creates and starts the server, then its `roster` database.
    ///
    /// - Throws: ``Subprocess/Failure`` naming the log to read.
    static func start(in directory: URL, logger: Logger) async throws -> PrivatePostgres {
        guard let binaries = findBinaries() else {
            throw Subprocess.Failure(
                description:
                    "no PostgreSQL server binaries in /usr/lib/postgresql/*/bin (apt-get install postgresql-15), or set ROSTER_DATABASE_URL"
            )
        }
        let fm = FileManager.default
        try fm.createDirectory(at: directory, withIntermediateDirectories: true)
        let asRoot = getuid() == 0
        if asRoot {
            _ = try await Subprocess.run(["/bin/chown", "postgres:postgres", directory.path], output: "/dev/null")
        }
        // The server writes server.log as its own user; our helpers' output goes elsewhere.
        let log = directory.appendingPathComponent("server.log").path
        let helperLog = directory.appendingPathComponent("setup.log").path
        func failure(_ what: String, _ status: Int32) -> Subprocess.Failure {
            let tail = [helperLog, log].compactMap { try? String(contentsOfFile: $0, encoding: .utf8) }
                .joined(separator: "\n").split(separator: "\n").suffix(15).joined(separator: "\n")
            return Subprocess.Failure(description: "\(what) failed (status \(status)):\n\(tail)")
        }
        let data = directory.appendingPathComponent("data").path
        func owner(_ argv: [String]) -> [String] {
            asRoot ? ["/usr/sbin/runuser", "-u", "postgres", "--"] + argv : argv
        }

        let initdb = try await Subprocess.run(
            owner([
                binaries.appendingPathComponent("initdb").path, "-D", data, "-U", "postgres", "-A", "trust", "-E",
                "UTF8", "--locale=C.UTF-8", "--no-sync",
            ]),
            output: helperLog
        )
        guard initdb == 0 else { throw failure("initdb", initdb) }
        let port = try freePort()
        let options =
            "-p \(port) -k \(directory.path) -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=100"
        let started = try await Subprocess.run(
            owner([
                binaries.appendingPathComponent("pg_ctl").path, "-D", data, "-l", log, "-w", "-t", "30", "-o", options,
                "start",
            ]),
            output: helperLog
        )
        guard started == 0 else { throw failure("pg_ctl start", started) }
        let server = PrivatePostgres(directory: directory, binaries: binaries, port: port)
        let admin = try await PostgresConnection.connect(
            try PostgresConfiguration(url: "postgresql://postgres@127.0.0.1:\(port)/postgres"), logger: logger)
        defer { admin.close() }
        try await admin.execute("CREATE DATABASE roster")
        return server
    }

    /// Fast shutdown; the directory is left for the caller to remove.
    func stop() async {
        let pgCtl = binaries.appendingPathComponent("pg_ctl").path
        let data = directory.appendingPathComponent("data").path
        let argv = [pgCtl, "-D", data, "-m", "fast", "-w", "-t", "30", "stop"]
        _ = try? await Subprocess.run(
            getuid() == 0 ? ["/usr/sbin/runuser", "-u", "postgres", "--"] + argv : argv, output: "/dev/null")
    }

    /// The newest `/usr/lib/postgresql/N/bin` (Debian), or `PG_BIN`.
    static func findBinaries() -> URL? {
        if let explicit = ProcessInfo.processInfo.environment["PG_BIN"], !explicit.isEmpty {
            return URL(fileURLWithPath: explicit)
        }
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap(Int.init)
            .sorted()
        for version in versions.reversed() {
            let bin = URL(fileURLWithPath: "\(root)/\(version)/bin")
            if FileManager.default.isExecutableFile(atPath: bin.appendingPathComponent("pg_ctl").path) { return bin }
        }
        return nil
    }

    /// A loopback port nobody listens on right now.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Subprocess.Failure(description: "socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else { throw Subprocess.Failure(description: "bind() failed") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Whether `host:port` can be listened on now.
    static func canListen(host: String, port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr(host == "localhost" ? "127.0.0.1" : host)
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        } == 0
    }
}
