import Foundation
import RosterPostgres
import RosterTesting
import Testing

/// Ingest end to end: real `roster worker` processes, the librdkafka mock cluster, a real Postgres.
@Suite(.serialized, .timeLimit(.minutes(10)), .requiresPostgres)
struct IngestTests {
    @Test func validDuplicateAndInvalidEventsBecomeJobsAndDeadLetters() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let fixture = try IngestFixture(databaseURL: url, dlqTopic: true)
            var messages = IngestFixture.events(0..<500)
            // 20 duplicates of earlier events, and 10 invalid messages of every kind, interleaved.
            for i in 0..<20 { messages.insert(messages[i * 7], at: 50 + i * 20) }
            var kinds: [String] = []
            for i in 0..<10 {
                let bad = TestEvents.invalid(index: i)
                kinds.append(bad.kind)
                messages.insert((bad.key, bad.value), at: 30 + i * 45)
            }
            try await fixture.produce(messages)
            let worker = try fixture.startWorker()
            try await fixture.waitForCounts(events: 500, deadLetters: 10)
            #expect(try await fixture.count("SELECT count(*) FROM jobs") == 500)
            #expect(try await fixture.count("SELECT count(*) FROM jobs WHERE status = 'queued'") == 500)
            #expect(
                try await fixture.count("SELECT coalesce(sum(deliveries), 0) FROM events") == 520,
                "the 20 duplicates were seen and absorbed")
            let reasons = try await fixture.pool.query("SELECT code, reason FROM dead_letters ORDER BY id").rows.map {
                (try $0.decode(String.self, at: 0), try $0.decode(String.self, at: 1))
            }
            #expect(Set(reasons.map(\.0)) == ["invalid_json", "invalid_event", "unknown_vendor", "oversize"])
            #expect(reasons.contains { $0.1.contains("data.employee.email: missing") })
            #expect(reasons.contains { $0.1.contains("type: must be one of") })
            #expect(reasons.contains { $0.1.contains("vendor \"salesforce\" is not configured") })
            #expect(reasons.contains { $0.1.contains("over the 65536-byte limit") })
            #expect(!reasons.contains { $0.1.contains("@example.com") }, "reasons carry no personal data")
            worker.kill(SIGTERM)
            #expect(await worker.waitForExit() == 0)
        }
    }

    /// Fault matrix row 2: `kill -9` at exact points (after fetch, inside the DB transaction, after
    /// the DB commit and before the offset commit). Invariants 1, 2 (the third point must
    /// redeliver), 3 (sampled), 5.
    @Test(arguments: ["after_poll", "in_transaction", "after_db_commit"])
    func workerKilledAtAFailpointLosesAndDuplicatesNothing(failpoint: String) async throws {
        try await TestDatabase.withFreshDatabase { url in
            let fixture = try IngestFixture(databaseURL: url, batchSize: 100)
            // Fault matrix row 2, invariant 3: commit never ahead of Postgres, sampled throughout.
            let monitor = try await CommitInvariantMonitor.start(fixture)
            try await fixture.produce(IngestFixture.events(0..<400))
            let doomed = try fixture.startWorker(failpoint: "\(failpoint)@1")
            _ = await doomed.waitForExit()
            #expect(doomed.wasSignalled, "the failpoint killed the worker: \(doomed.output().suffix(500))")
            let recordedBeforeRestart = try await fixture.count("SELECT count(*) FROM events")
            let worker = try fixture.startWorker()
            try await fixture.waitForCounts(events: 400)
            try await fixture.waitForDrain()
            #expect(try await fixture.count("SELECT count(*) FROM jobs") == 400)
            #expect(
                try await fixture.count(
                    "SELECT count(*) FROM (SELECT event_id FROM jobs GROUP BY 1 HAVING count(*) > 1) d") == 0)
            let redelivered = try await fixture.count("SELECT coalesce(sum(deliveries - 1), 0) FROM events")
            if failpoint == "after_db_commit" {
                // The first batch was durable but its offsets were never committed: Kafka redelivered it.
                #expect(recordedBeforeRestart > 0)
                #expect(redelivered == recordedBeforeRestart)
            } else {
                // Nothing was recorded before the kill, so every event arrived again after the restart.
                #expect(recordedBeforeRestart == 0)
                #expect(redelivered == 0)
            }
            await monitor.stopAndCheck()
            worker.kill(SIGTERM)
            #expect(await worker.waitForExit() == 0)
        }
    }

    /// Fault matrix row 3: clean SIGTERM mid-stream, restart. Invariants 1, 3 (sampled), 5, and
    /// 6 (no duplicates after a clean stop).
    @Test func sigtermMidStreamExitsCleanlyAndRedeliversNothing() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let fixture = try IngestFixture(databaseURL: url, batchSize: 20)
            // Fault matrix row 3, invariant 3: commit never ahead of Postgres, sampled throughout.
            let monitor = try await CommitInvariantMonitor.start(fixture)
            let worker = try fixture.startWorker()
            let total = 3000
            for chunk in stride(from: 0, to: total / 2, by: 100) {
                try await fixture.produce(IngestFixture.events(chunk..<chunk + 100))
            }
            try await fixture.waitUntil("some events ingested") {
                try await fixture.count("SELECT count(*) FROM events") > 0
            }
            let producing = Task {
                for chunk in stride(from: total / 2, to: total, by: 100) {
                    try await fixture.produce(IngestFixture.events(chunk..<chunk + 100))
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
            worker.kill(SIGTERM)
            #expect(await worker.waitForExit(timeout: .seconds(30)) == 0, "clean exit: \(worker.output().suffix(800))")
            try await producing.value
            let restarted = try fixture.startWorker()
            try await fixture.waitForCounts(events: total)
            try await fixture.waitForDrain()
            #expect(
                try await fixture.count("SELECT coalesce(sum(deliveries - 1), 0) FROM events") == 0,
                "no duplicates after a clean stop")
            await monitor.stopAndCheck()
            restarted.kill(SIGTERM)
            #expect(await restarted.waitForExit() == 0)
        }
    }

    @Test func twoWorkersOneKilledMidwayIngestEveryEventOnce() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let fixture = try IngestFixture(databaseURL: url, batchSize: 25)
            let first = try fixture.startWorker(name: "worker-a")
            let second = try fixture.startWorker(name: "worker-b")
            try await fixture.produce(IngestFixture.events(0..<1000))
            try await fixture.waitUntil("ingest under way") {
                try await fixture.count("SELECT count(*) FROM events") >= 200
            }
            first.kill(SIGKILL)
            try await fixture.produce(IngestFixture.events(1000..<2000))
            try await fixture.waitForCounts(events: 2000, timeout: .seconds(90))
            #expect(try await fixture.count("SELECT count(*) FROM jobs") == 2000)
            #expect(try await fixture.count("SELECT count(DISTINCT event_id) FROM jobs") == 2000)
            second.kill(SIGTERM)
            #expect(await second.waitForExit() == 0)
        }
    }

    @Test func offboardingSupersedesOnboardingAndALateDuplicateChangesNothing() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let fixture = try IngestFixture(databaseURL: url)
            // A backlog of other joiners, then one employee's onboarding, offboarding and a late duplicate.
            var messages = (0..<50).map { i in
                ("J\(i)", TestEvents.event(id: "join-\(i)", employee: "J\(i)", sequence: 1))
            }
            messages.append(("E42", TestEvents.event(id: "on-42", employee: "E42", sequence: 1)))
            messages.append(
                (
                    "E42",
                    TestEvents.event(
                        id: "off-42", type: "hr.employee.offboarding", employee: "E42", access: nil, sequence: 2)
                ))
            messages.append(("E42", TestEvents.event(id: "on-42", employee: "E42", sequence: 1)))
            messages.append(("E42", TestEvents.event(id: "on-42-old", employee: "E42", sequence: 1)))
            try await fixture.produce(messages)
            let worker = try fixture.startWorker()
            try await fixture.waitForCounts(events: 53)
            let rows = try await fixture.pool.query(
                "SELECT event_id, status, coalesce(cancel_reason, '') FROM jobs WHERE employee_id = 'E42' ORDER BY event_id"
            ).rows.map {
                (
                    try $0.decode(String.self, at: 0), try $0.decode(String.self, at: 1),
                    try $0.decode(String.self, at: 2)
                )
            }
            #expect(rows.map(\.0) == ["off-42", "on-42", "on-42-old"])
            #expect(rows.map(\.1) == ["queued", "cancelled", "cancelled"])
            #expect(rows[1].2 == "superseded by offboarding off-42")
            #expect(
                rows[2].2 == "superseded by offboarding off-42",
                "an onboarding older than the offboarding never becomes runnable")
            // The executor's claim order: the leaver comes before the whole joiner backlog.
            let first = try await fixture.pool.query(
                "SELECT event_id FROM jobs WHERE status IN ('queued', 'retrying') ORDER BY priority DESC, employee_order, id LIMIT 1"
            ).rows.first?.decode(String.self, at: 0)
            #expect(first == "off-42")
            #expect(try await fixture.count("SELECT deliveries FROM events WHERE event_id = 'on-42'") == 2)
            worker.kill(SIGTERM)
            #expect(await worker.waitForExit() == 0)
        }
    }

    @Test func publishRefusesAFileWithOneInvalidEventAndProducesNothing() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let fixture = try IngestFixture(databaseURL: url)
            let good = (0..<3).map {
                String(decoding: TestEvents.event(id: "p-\($0)", employee: "P\($0)"), as: UTF8.self)
            }
            let bad = String(decoding: TestEvents.invalid(index: 2).value, as: UTF8.self)
            let file = TestWorkDirectory.url.appendingPathComponent("events-\(UUID().uuidString.prefix(6)).jsonl")
            try (good + [bad]).joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
            let refused = try await RosterProcess.run(
                ["publish", file.path], environment: ["ROSTER_CONFIG": fixture.configURL.path])
            #expect(refused.status == 1)
            #expect(refused.output.contains("line 4 (event 4): data.employee.email: missing"))
            #expect(refused.output.contains("nothing was produced"))
            #expect(try await fixture.messageCount() == 0)

            try good.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
            let published = try await RosterProcess.run(
                ["publish", file.path], environment: ["ROSTER_CONFIG": fixture.configURL.path])
            #expect(published.status == 0, "\(published.output)")
            #expect(published.output.contains("delivered 3 events"))
            #expect(try await fixture.messageCount() == 3)
        }
    }
}
