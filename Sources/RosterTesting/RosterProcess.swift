import Foundation

/// The `roster` executable run as a real child process, so tests can SIGKILL and SIGTERM it.
///
/// Output goes to a log file in the test's work directory (read it with ``output()``); the
/// process is killed when this object is deallocated, so a failing test leaves nothing behind.
public final class RosterProcess: @unchecked Sendable {
    // @unchecked: `process` is created in init and only read afterwards; Foundation's `Process`
    // is thread-safe for the calls used here (pid, isRunning, terminationStatus, waitUntilExit).
    private let process: Process
    public let logURL: URL
    public let arguments: [String]

    /// Where the test binary lives; `roster` is built next to it by `swift build --build-tests`.
    public static var executableURL: URL {
        if let explicit = ProcessInfo.processInfo.environment["ROSTER_BINARY"] { return URL(fileURLWithPath: explicit) }
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("roster")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(".build/debug/roster")
    }

    /// Starts `roster ARGUMENTS` with the given extra environment.
    public init(_ arguments: [String], environment: [String: String] = [:], name: String = "roster") throws {
        self.arguments = arguments
        let dir = TestWorkDirectory.url
        logURL = dir.appendingPathComponent("\(name)-\(UUID().uuidString.prefix(8)).log")
        FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let log = try FileHandle(forWritingTo: logURL)
        process = Process()
        process.executableURL = Self.executableURL
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "ROSTER_FAILPOINT")
        env.merge(environment) { _, new in new }
        process.environment = env
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    public var pid: Int32 { process.processIdentifier }
    public var isRunning: Bool { process.isRunning }

    public func kill(_ signal: Int32 = SIGKILL) {
        if process.isRunning { Foundation.kill(process.processIdentifier, signal) }
    }

    /// Waits for the process to exit; returns its status, or `nil` on timeout.
    public func waitForExit(timeout: Duration = .seconds(60)) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now > deadline { return nil }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return process.terminationStatus
    }

    /// Whether the process was ended by a signal (as opposed to exiting).
    public var wasSignalled: Bool { !process.isRunning && process.terminationReason == .uncaughtSignal }

    public func output() -> String {
        (try? String(contentsOf: logURL, encoding: .utf8)) ?? ""
    }

    /// Runs `roster ARGUMENTS` to completion and returns its exit status and output.
    public static func run(_ arguments: [String], environment: [String: String] = [:], timeout: Duration = .seconds(120)) async throws -> (status: Int32, output: String) {
        let p = try RosterProcess(arguments, environment: environment, name: "roster-run")
        guard let status = await p.waitForExit(timeout: timeout) else {
            p.kill()
            return (-1, p.output() + "\n(timed out)")
        }
        return (status, p.output())
    }
}

/// The per-run scratch directory (`ROSTER_TEST_WORKDIR` from ops/test, else a temporary one).
public enum TestWorkDirectory {
    public static let url: URL = {
        let base = ProcessInfo.processInfo.environment["ROSTER_TEST_WORKDIR"].map { URL(fileURLWithPath: $0) } ?? FileManager.default.temporaryDirectory
        let dir = base.appendingPathComponent("roster-tests-\(getpid())")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }()
}
