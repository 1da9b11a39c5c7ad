import Foundation

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

    /// Runs `$ROSTER_TEST_PG_CTL command $ROSTER_TEST_PG_DIR` and waits for it without
    /// blocking a cooperative thread.
    private static func control(_ command: String) async throws {
        let environment = ProcessInfo.processInfo.environment
        guard let script = environment["ROSTER_TEST_PG_CTL"], let directory = environment["ROSTER_TEST_PG_DIR"] else {
            throw TestDatabaseError("ROSTER_TEST_PG_CTL and ROSTER_TEST_PG_DIR must be set (ops/test sets them)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: script)
        process.arguments = [command, directory]
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { process in
                continuation.resume(returning: process.terminationStatus)
            }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        guard status == 0 else {
            throw TestDatabaseError("\(script) \(command) exited with status \(status)")
        }
    }
}
