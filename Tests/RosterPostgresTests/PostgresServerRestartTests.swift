import RosterPostgres
import RosterTesting
import Testing

/// Tests that restart or crash the shared server. Serialized, and each holds the test server
/// lock exclusively (`exclusive: true`) so no other suite's test runs meanwhile.
@Suite(.requiresPostgres, .serialized, .timeLimit(.minutes(10)))
struct PostgresServerRestartTests {
    @Test func poolRecoversAfterAFastRestart() async throws {
        try await TestDatabase.withFreshPool(size: 4, exclusive: true) { pool, _ async throws in
            // Open all four connections, so that every one of them goes stale in the restart.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<4 {
                    group.addTask { _ = try await pool.query("SELECT pg_sleep(0.05)") }
                }
                try await group.waitForAll()
            }
            #expect(pool.statistics.idle == 4)

            let inFlight = Task { try await pool.query("SELECT pg_sleep(30)") }
            while pool.statistics.leased == 0 {
                try await Task.sleep(for: .milliseconds(5))
            }
            try await Task.sleep(for: .milliseconds(100))
            try await TestDatabase.restartServer()

            // The statement that was running fails, as a retryable connection failure.
            switch await inFlight.result {
            case .success:
                Issue.record("the in-flight statement should have failed")
            case .failure(let error):
                let error = try #require(error as? PostgresError)
                #expect(error.isConnectionFailure)
                #expect(error.isRetryable)
            }

            // Nothing else sees an error: stale idle connections are replaced on checkout.
            let results = try await withThrowingTaskGroup(of: Int32.self) { group in
                for index in 0..<40 {
                    group.addTask {
                        try await pool.query("SELECT \(Int32(index))::int4, pg_sleep(0.001)").singleValue(Int32.self)
                            ?? -1
                    }
                }
                return try await group.reduce(into: [Int32]()) { $0.append($1) }
            }
            #expect(results.sorted() == Array(0..<40))
            #expect(pool.statistics.connections <= 4)
        }
    }

    @Test func listenerReconnectsAndListensAgainAfterARestart() async throws {
        try await TestDatabase.withFreshPool(size: 1, exclusive: true) { pool, url async throws in
            let listener = try await PostgresListener.listen(
                channels: ["after_restart"],
                configuration: try PostgresConfiguration(url: url),
                reconnectDelay: .milliseconds(100),
                logger: TestDatabase.logger
            )
            defer { listener.close() }
            try await TestDatabase.restartServer()
            let clock = ContinuousClock()
            let deadline = clock.now + .seconds(15)
            while (listener.reconnectCount == 0 || !listener.isConnected) && clock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(listener.reconnectCount >= 1)
            #expect(listener.isConnected)
            try await pool.notify(channel: "after_restart", payload: "still here")
            let received = await collect(1, from: listener)
            #expect(received.map(\.payload) == ["still here"])
        }
    }

    @Test func poolReportsRetryableErrorsWhileTheServerIsDownAndRecovers() async throws {
        try await TestDatabase.withFreshPool(size: 2, exclusive: true) { pool, _ async throws in
            _ = try await pool.query("SELECT 1")
            try await TestDatabase.crashServer()
            do {
                _ = try await pool.query("SELECT 1")
                Issue.record("expected the query to fail while the server is down")
            } catch let error as PostgresError {
                #expect(error.code == .connectionFailed)
                #expect(error.isRetryable)
            } catch {
                try await TestDatabase.startServer()
                throw error
            }
            try await TestDatabase.startServer()
            #expect(try await pool.query("SELECT 2").singleValue(Int32.self) == 2)
        }
    }
}
