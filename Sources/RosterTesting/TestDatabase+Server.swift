import Foundation
import RosterKafka

#if canImport(Glibc)
import Glibc
#endif

extension TestDatabase {
    /// Restarts the server (`pg_ctl restart -m fast`, same port): every open connection is
    /// terminated with `57P01 admin_shutdown`. Call only inside
    /// `withFreshDatabase(exclusive: true)`.
    public static func restartServer() async throws {
        try await control("restart")
    }

    /// Stops the server immediately (`pg_ctl stop -m immediate`), as a crash would. Call only
    /// inside `withFreshDatabase(exclusive: true)`, and ``startServer()`` before it ends.
    public static func crashServer() async throws {
        try await control("kill")
    }

    /// Starts the server again after ``crashServer()``, on the same port.
    public static func startServer() async throws {
        try await control("up")
    }

    /// Runs `$ROSTER_TEST_PG_CTL command $ROSTER_TEST_PG_DIR` and waits for it on a thread of
    /// its own (never a cooperative one).
    ///
    /// Not `Foundation.Process`: on Linux it notices a child's exit only when a socket it lets the
    /// child inherit is closed, and the PostgreSQL server that `pg_ctl start` leaves running
    /// inherits it too, so `restart` would never be seen to finish
    /// (swift-corelibs-foundation#4795). It also passes a Dispatch thread's blocked signals on to
    /// the server (#4772). Instead: `posix_spawn` with an empty signal mask, through `bash` closing
    /// every inherited descriptor above stderr, then `waitpid`.
    private static func control(_ command: String) async throws {
        let environment = ProcessInfo.processInfo.environment
        guard let script = environment["ROSTER_TEST_PG_CTL"], let directory = environment["ROSTER_TEST_PG_DIR"] else {
            throw TestDatabaseError("ROSTER_TEST_PG_CTL and ROSTER_TEST_PG_DIR must be set (ops/test sets them)")
        }
        let closeDescriptors = """
            for fd in /proc/self/fd/*; do fd=${fd##*/}; \
            if [ "$fd" -gt 2 ]; then eval "exec $fd>&-" 2>/dev/null; fi; done; exec "$0" "$@"
            """
        let arguments = ["/bin/bash", "-c", closeDescriptors, script, command, directory]
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result { try spawnAndWait(arguments) })
            }
            thread.start()
        }
        guard status == 0 else {
            throw TestDatabaseError("\(script) \(command) exited with status \(status)")
        }
    }

    /// Spawns `arguments[0]` with `arguments` and waits for it. Returns its exit status
    /// (128 + the signal number if a signal ended it). Blocks.
    private static func spawnAndWait(_ arguments: [String]) throws -> Int32 {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaultSignals = sigset_t()
        sigemptyset(&defaultSignals)
        sigaddset(&defaultSignals, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaultSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer {
            for argument in argv {
                free(argument)
            }
        }
        var pid = pid_t()
        let spawned = KafkaMockCluster.spawning { posix_spawn(&pid, arguments[0], nil, &attributes, argv, environ) }
        guard spawned == 0 else {
            throw TestDatabaseError("could not start \(arguments[0]) (error \(spawned))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else {
                throw TestDatabaseError("waitpid failed (errno \(errno))")
            }
        }
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }
}
