import Foundation
import RosterPostgres
import RosterTesting
import Synchronization
import Testing

@Suite(.requiresPostgres, .timeLimit(.minutes(10)))
struct PostgresPoolTests {
    /// Tracks the highest number of simultaneous leases.
    final class Gauge: Sendable {
        private let state = Mutex((current: 0, maximum: 0))

        func enter() {
            self.state.withLock { state in
                state.current += 1
                state.maximum = max(state.maximum, state.current)
            }
        }

        func leave() {
            self.state.withLock { $0.current -= 1 }
        }

        var maximum: Int {
            self.state.withLock { $0.maximum }
        }
    }

    @Test func twoHundredConcurrentLeasesShareFourConnections() async throws {
        try await TestDatabase.withFreshPool(size: 4, acquireTimeout: .seconds(60)) { pool, _ async throws in
            let gauge = Gauge()
            let serverCounts = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<200 {
                    group.addTask {
                        try await pool.withConnection { connection in
                            gauge.enter()
                            defer { gauge.leave() }
                            let result = try await connection.query(
                                """
                                SELECT count(*), pg_sleep(0.002)::text, \(index)::int8
                                FROM pg_stat_activity WHERE datname = current_database()
                                """
                            )
                            let (count, _, echoed) = try result[0].decode((Int, String, Int).self)
                            #expect(echoed == index)
                            return count
                        }
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(serverCounts.count == 200)
            #expect(serverCounts.allSatisfy { $0 <= 4 })
            #expect(gauge.maximum <= 4)
            #expect(gauge.maximum >= 2)
            let statistics = pool.statistics
            #expect(statistics.connections <= 4 && statistics.leased == 0 && statistics.waiting == 0)
        }
    }

    @Test func acquireTimesOutWithAClearError() async throws {
        try await TestDatabase.withFreshPool(size: 1, acquireTimeout: .milliseconds(200)) { pool, _ async throws in
            try await pool.withConnection { _ in
                let clock = ContinuousClock()
                let start = clock.now
                do {
                    _ = try await pool.query("SELECT 1")
                    Issue.record("expected a pool timeout")
                } catch let error as PostgresError {
                    #expect(error.code == .poolTimeout)
                    #expect(error.isRetryable)
                    #expect(error.description.contains("no connection became free within 0.2 seconds"))
                    #expect(error.description.contains("pool size 1"))
                }
                let waited = clock.now - start
                #expect(waited >= .milliseconds(190) && waited < .seconds(5))
            }
            #expect(try await pool.query("SELECT 1").singleValue(Int32.self) == 1)
        }
    }

    @Test func cancellingAWaitingLeaseLeavesNoWaiterBehind() async throws {
        try await TestDatabase.withFreshPool(size: 1, acquireTimeout: .seconds(30)) { pool, _ async throws in
            try await pool.withConnection { _ in
                let waiting = Task { try await pool.query("SELECT 1") }
                while pool.statistics.waiting == 0 {
                    try await Task.sleep(for: .milliseconds(5))
                }
                waiting.cancel()
                let result = await waiting.result
                #expect(throws: CancellationError.self) { try result.get() }
                #expect(pool.statistics.waiting == 0)
            }
            #expect(try await pool.query("SELECT 1").singleValue(Int32.self) == 1)
        }
    }

    @Test func staleIdleConnectionIsReplacedWithoutAnError() async throws {
        try await TestDatabase.withFreshPool(size: 1) { pool, url async throws in
            let firstPID = try await pool.query("SELECT pg_backend_pid()").singleValue(Int32.self)
            // Another session terminates the idle pooled connection's backend.
            let admin = try await PostgresConnection.connect(try PostgresConfiguration(url: url))
            defer { admin.close() }
            #expect(try await admin.query("SELECT pg_terminate_backend(\(firstPID))").singleValue(Bool.self) == true)
            try await Task.sleep(for: .milliseconds(100))
            let secondPID = try await pool.query("SELECT pg_backend_pid()").singleValue(Int32.self)
            #expect(secondPID != firstPID)
            #expect(pool.statistics.connections == 1)
        }
    }

    @Test func brokenConnectionIsClosedOnReturnAndReplaced() async throws {
        try await TestDatabase.withFreshPool(size: 1) { pool, _ async throws in
            let broken = try await pool.withConnection { connection in
                do {
                    _ = try await connection.query("SELECT pg_terminate_backend(pg_backend_pid())")
                    Issue.record("expected the connection to fail")
                } catch let error as PostgresError {
                    #expect(error.isConnectionFailure)
                    #expect(error.isRetryable)
                }
                #expect(connection.isBroken)
                await #expect(throws: PostgresError.self) { try await connection.query("SELECT 1") }
                return connection
            }
            #expect(broken.isClosed)
            #expect(try await pool.query("SELECT 1").singleValue(Int32.self) == 1)
            #expect(pool.statistics.connections == 1)
        }
    }

    @Test func connectionReturnedInsideATransactionIsRolledBack() async throws {
        try await TestDatabase.withFreshPool(size: 1) { pool, _ async throws in
            try await pool.execute("CREATE TABLE t (v int)")
            try await pool.withConnection { connection in
                try await connection.execute("BEGIN")
                try await connection.execute("INSERT INTO t VALUES (1)")
            }
            #expect(try await pool.query("SELECT count(*) FROM t").singleValue(Int.self) == 0)
        }
    }

    @Test func closeFailsWaitersAndLaterLeases() async throws {
        try await TestDatabase.withFreshPool(size: 1) { pool, _ async throws in
            try await pool.withConnection { _ in
                let waiting = Task { try await pool.query("SELECT 1") }
                while pool.statistics.waiting == 0 {
                    try await Task.sleep(for: .milliseconds(5))
                }
                pool.close()
                let result = await waiting.result
                #expect(throws: PostgresError.self) { try result.get() }
            }
            #expect(pool.statistics.connections == 0)
            await #expect { try await pool.query("SELECT 1") } throws: { error in
                (error as? PostgresError)?.code == .poolClosed
            }
        }
    }
}

/// Leases keep the caller's actor isolation: the closure may touch actor state directly.
actor JobCounter {
    private(set) var seen = 0
    let pool: PostgresPool

    init(pool: PostgresPool) {
        self.pool = pool
    }

    func count() async throws -> Int {
        try await self.pool.withTransaction { connection in
            let value = try await connection.query("SELECT 3::int8").singleValue(Int.self) ?? 0
            self.seen += value  // actor state, no hop needed
            return self.seen
        }
    }
}

@Suite(.requiresPostgres, .timeLimit(.minutes(10)))
struct PostgresPoolIsolationTests {
    @Test func leasesRunInTheCallersIsolation() async throws {
        try await TestDatabase.withFreshPool { pool, _ async throws in
            let counter = JobCounter(pool: pool)
            #expect(try await counter.count() == 3)
            #expect(try await counter.count() == 6)
        }
    }
}
