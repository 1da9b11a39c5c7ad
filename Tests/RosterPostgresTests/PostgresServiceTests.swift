import Logging
import RosterPostgres
import RosterTesting
import ServiceLifecycle
import Testing

@Suite(.requiresPostgres, .timeLimit(.minutes(10)))
struct PostgresServiceTests {
    @Test func poolAndListenerCloseOnGracefulShutdown() async throws {
        try await TestDatabase.withFreshPool { pool, url async throws in
            let listener = try await PostgresListener.listen(
                channels: ["service"],
                configuration: try PostgresConfiguration(url: url),
                logger: TestDatabase.logger
            )
            let group = ServiceGroup(
                services: [pool, listener], gracefulShutdownSignals: [], logger: TestDatabase.logger)
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                #expect(try await pool.query("SELECT 1").singleValue(Int32.self) == 1)
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
            await #expect { try await pool.query("SELECT 1") } throws: { error in
                (error as? PostgresError)?.code == .poolClosed
            }
            var notifications = listener.notifications.makeAsyncIterator()
            #expect(await notifications.next() == nil)
            #expect(!listener.isConnected)
        }
    }
}

@Suite struct TestDatabaseLockTests {
    @Test func exclusiveHoldersWaitForSharedHoldersAndKeepThemOut() async throws {
        let lock = TestDatabaseLock()
        let events = EventLog()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await lock.withLock(exclusive: false) {
                    await events.append("shared 1 in")
                    try await Task.sleep(for: .milliseconds(100))
                    await events.append("shared 1 out")
                }
            }
            try await Task.sleep(for: .milliseconds(20))
            group.addTask {
                try await lock.withLock(exclusive: true) {
                    await events.append("exclusive in")
                    try await Task.sleep(for: .milliseconds(50))
                    await events.append("exclusive out")
                }
            }
            try await Task.sleep(for: .milliseconds(20))
            group.addTask {
                try await lock.withLock(exclusive: false) {
                    await events.append("shared 2 in")
                }
            }
            try await group.waitForAll()
        }
        #expect(
            await events.entries == ["shared 1 in", "shared 1 out", "exclusive in", "exclusive out", "shared 2 in"]
        )
    }

    actor EventLog {
        var entries: [String] = []

        func append(_ entry: String) {
            self.entries.append(entry)
        }
    }
}
