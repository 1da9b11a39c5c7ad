import Foundation
import RosterPostgres
import RosterTesting
import Testing

@testable import RosterWorker

/// Ingest keeps every valid event whatever Postgres or the producer does wrong (issue 12).
@Suite(.serialized, .timeLimit(.minutes(10)), .requiresPostgres)
struct IngestRobustnessTests {
    /// Hole 6: temporary Postgres errors must never dead-letter a valid event. A lock held on the
    /// inbox makes the worker's ingest transaction fail with a lock timeout (55P03) or a statement
    /// timeout (57014); before the fix both were taken for a data refusal, each message was retried
    /// once alone and then dead-lettered, and the offsets were committed past them.
    @Test(arguments: [("lock_timeout", "55P03"), ("statement_timeout", "57014")])
    func aTimeoutRetriesTheBatchAndDeadLettersNothing(setting: String, sqlState: String) async throws {
        try await TestDatabase.withFreshDatabase { url in
            let fixture = try IngestFixture(databaseURL: url, batchSize: 50)
            try await RosterSchema.migrate(fixture.pool, logger: TestDatabase.logger)
            try await fixture.produce(IngestFixture.events(0..<300, prefix: "t-\(setting)"))
            // New sessions of this database (the worker's) give up on a lock after 200 ms.
            try await fixture.pool.execute(
                PostgresQuery(
                    unsafeSQL:
                        "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET \(setting) = %L', current_database(), '200ms'); END $$"
                ))

            let held = AsyncStream<Void>.makeStream()
            let release = AsyncStream<Void>.makeStream()
            let holder = Task {
                defer { held.continuation.finish() }
                try await fixture.pool.withTransaction { connection in
                    try await connection.execute("SET LOCAL \(unescaped: setting) = 0")
                    try await connection.execute("LOCK TABLE events IN ACCESS EXCLUSIVE MODE")
                    held.continuation.yield()
                    for await _ in release.stream { break }
                }
            }
            for await _ in held.stream { break }
            let worker = try fixture.startWorker()
            // The fault must really have hit: the worker saw the timeout at least twice.
            let deadline = ContinuousClock.now + .seconds(60)
            while worker.output().components(separatedBy: sqlState).count < 3, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(worker.output().contains(sqlState), "the injected \(setting) reached ingest")
            release.continuation.yield()
            try await holder.value

            try await fixture.waitForCounts(events: 300, deadLetters: 0)
            #expect(
                try await fixture.count("SELECT count(*) FROM dead_letters") == 0,
                "a timeout is not the message's fault")
            #expect(try await fixture.count("SELECT count(*) FROM jobs") == 300)
            try await fixture.waitForDrain()
            worker.kill(SIGTERM)
            #expect(await worker.waitForExit() == 0)
        }
    }

    /// Hole 12: an event whose Kafka key is missing or not its employee id is accepted (an
    /// offboarding is never dead-lettered for its key), counted, and warned about once per batch
    /// without personal data.
    @Test func eventsWithoutTheirEmployeeKeyAreAcceptedCountedAndWarnedAbout() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let fixture = try IngestFixture(databaseURL: url, batchSize: 50)
            var messages = IngestFixture.events(0..<20, prefix: "keyed")
            let foreign = IngestFixture.events(20..<25, prefix: "foreign").map {
                (key: "someone-else", value: $0.value)
            }
            let empty = IngestFixture.events(25..<28, prefix: "empty").map { (key: "", value: $0.value) }
            messages += foreign + empty
            try await fixture.produce(messages)
            let worker = try fixture.startWorker()
            try await fixture.waitForCounts(events: 28, deadLetters: 0)
            #expect(try await fixture.count("SELECT count(*) FROM jobs") == 28)
            let output = worker.output()
            #expect(output.contains("events without their employee id as Kafka key"), "\(output.suffix(2000))")
            #expect(
                !output.contains("someone-else") && !output.contains("@example.com"), "the warning carries counts only")
            worker.kill(SIGTERM)
            #expect(await worker.waitForExit() == 0)
        }
    }
}
