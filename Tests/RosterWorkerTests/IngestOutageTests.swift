import Foundation
import RosterKafka
import RosterPostgres
import RosterTesting
import Testing

/// Postgres going away under a running worker. Holds the database lock exclusively: every other
/// database test waits while the server is down.
@Suite(.serialized, .timeLimit(.minutes(10)), .requiresPostgres)
struct IngestOutageTests {
    @Test func postgresDownForTenSecondsLosesNothingAndCommitsNothingUnrecorded() async throws {
        try await TestDatabase.withFreshDatabase(exclusive: true) { url in
            let fixture = try IngestFixture(databaseURL: url, batchSize: 50)
            // Fault matrix row 10, invariant 3: commit never ahead of Postgres, sampled throughout
            // (a sample taken during the outage is checked once Postgres answers again).
            let monitor = try await CommitInvariantMonitor.start(fixture)
            let observer = try KafkaConsumer.observer(
                configuration: fixture.cluster.consumerConfiguration(topic: fixture.topic, group: fixture.group),
                logger: fixture.logger
            )
            let partitions = try await observer.partitions(topic: fixture.topic).map {
                KafkaTopicPartition(topic: fixture.topic, partition: $0)
            }
            func committed() async throws -> [Int32: Int64] {
                Dictionary(
                    uniqueKeysWithValues: try await observer.committed(partitions: partitions).map {
                        ($0.partition, $0.offset)
                    })
            }

            try await fixture.produce(IngestFixture.events(0..<1000))
            let worker = try fixture.startWorker()
            try await fixture.waitUntil("ingest under way") {
                try await fixture.count("SELECT count(*) FROM events") >= 100
            }

            try await TestDatabase.crashServer()
            // Every transaction that committed did so before this instant (the server is gone).
            let crashedAt = Date()
            let outageStarted = ContinuousClock.now
            try await fixture.produce(IngestFixture.events(1000..<2000))
            // A batch recorded just before the crash may still commit; after that, nothing may.
            let duringOutage = try await settled { try await committed() }
            try await Task.sleep(until: outageStarted + .seconds(10))
            #expect(try await committed() == duringOutage, "no offset moves while nothing can be recorded")
            #expect(worker.isRunning, "the worker survives the outage")
            try await TestDatabase.startServer()

            do {
                try await fixture.waitForCounts(events: 2000, timeout: .seconds(90))
            } catch {
                let events = try await fixture.count("SELECT count(*) FROM events")
                let dead = try await fixture.count("SELECT count(*) FROM dead_letters")
                Issue.record("events \(events), dead letters \(dead); worker output: \(worker.output().suffix(4000))")
                try? worker.output().write(toFile: "/tmp/outage-worker.log", atomically: true, encoding: .utf8)
                throw error
            }
            #expect(try await fixture.count("SELECT count(*) FROM jobs") == 2000)
            // Every offset committed during the outage was backed by events recorded before the crash
            // (a transaction cannot commit after it; `received_at` is its start time).
            let recorded = try await fixture.pool.query(
                #"SELECT partition, max("offset") FROM events WHERE received_at < \#(crashedAt) GROUP BY 1"#
            ).rows.map {
                (try $0.decode(Int32.self, at: 0), try $0.decode(Int64.self, at: 1))
            }
            let highestRecorded = Dictionary(uniqueKeysWithValues: recorded)
            for (partition, offset) in duringOutage {
                #expect(offset <= (highestRecorded[partition] ?? -1) + 1)
            }
            #expect(worker.output().contains("could not record batch; will retry"))
            await monitor.stopAndCheck()
            worker.kill(SIGTERM)
            #expect(await worker.waitForExit() == 0)
            await observer.close()
        }
    }

    /// A worker started while Postgres is down waits for it, then runs, instead of exiting 1 and
    /// crash-looping (a nemesis run saw a restarted worker exit on its own).
    @Test func aWorkerStartedWhilePostgresIsDownWaitsForIt() async throws {
        try await TestDatabase.withFreshDatabase(exclusive: true) { url in
            let fixture = try IngestFixture(databaseURL: url, batchSize: 50)
            try await fixture.produce(IngestFixture.events(0..<100))
            try await TestDatabase.crashServer()
            let worker: RosterProcess
            do {
                worker = try fixture.startWorker()
                try await fixture.waitUntil("the worker waiting for Postgres, or gone", timeout: .seconds(120)) {
                    worker.output().contains("Postgres unreachable at start-up; waiting for it") || !worker.isRunning
                }
                #expect(worker.isRunning, "\(worker.output().suffix(1500))")
                #expect(worker.output().contains("Postgres unreachable at start-up; waiting for it"))
            } catch {
                try await TestDatabase.startServer()
                throw error
            }
            try await TestDatabase.startServer()
            try await fixture.waitForCounts(events: 100, timeout: .seconds(120))
            try await fixture.waitForDrain(timeout: .seconds(120))
            // It joined the group once the migrations were done (the log line the test below
            // expects absent while the worker still waits for Postgres).
            let output = worker.output()
            let joined = output.range(of: "consumer subscribed")
            let started = output.range(of: "worker started")
            #expect(
                joined != nil && started != nil && started!.lowerBound < joined!.lowerBound,
                "migrations first, then the group")
            worker.kill(SIGTERM)
            #expect(await worker.waitForExit(timeout: .seconds(120)) == 0)
        }
    }

    /// A worker SIGTERMed while it waits for Postgres at start-up stops cleanly (exit 0), and
    /// never joined the consumer group meanwhile: its consumer subscribes only once the migrations
    /// are done, so no partition sits assigned to a member that cannot record what it polls.
    @Test func aWorkerStoppedWhileWaitingForPostgresExitsCleanlyWithoutJoiningTheGroup() async throws {
        try await TestDatabase.withFreshDatabase(exclusive: true) { url in
            let fixture = try IngestFixture(databaseURL: url, batchSize: 50)
            try await TestDatabase.crashServer()
            do {
                let worker = try fixture.startWorker()
                try await fixture.waitUntil("the worker waiting for Postgres, or gone", timeout: .seconds(120)) {
                    worker.output().contains("Postgres unreachable at start-up; waiting for it") || !worker.isRunning
                }
                #expect(worker.isRunning, "\(worker.output().suffix(1500))")
                worker.kill(SIGTERM)
                let status = await worker.waitForExit(timeout: .seconds(120))
                #expect(status == 0, "\(worker.output().suffix(1500))")
                #expect(
                    !worker.output().contains("consumer subscribed"), "joined the group before it could record anything"
                )
                #expect(!worker.output().contains("worker started"))
            } catch {
                try await TestDatabase.startServer()
                throw error
            }
            try await TestDatabase.startServer()
        }
    }
}
