import Foundation
import RosterKafka
import RosterPostgres
import RosterTesting
import Testing

/// Fault matrix rows 12 and 13 (kafka-testing.md §6): the same event delivered again, and
/// messages that can never become jobs.
@Suite(.serialized, .timeLimit(.minutes(10)), .requiresPostgres)
struct DeliveryFaultMatrixTests {
    /// **Row 12a**: 50 event ids are produced a second time (later, at new offsets). Invariants:
    /// 1, 2 (exactly one job each; every second copy counted in `deliveries`), 3 (sampled; the
    /// second copies are placed by the producer's delivery reports), 5.
    @Test func row12aTheSameEventIDTwiceHasOneEffect() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let fixture = try IngestFixture(databaseURL: url, batchSize: 50)
            let monitor = try await CommitInvariantMonitor.start(fixture)
            let worker = try fixture.startWorker()
            try await fixture.produce(IngestFixture.events(0..<300))
            try await fixture.waitForRecorded(events: 300)
            let copies = IngestFixture.events(0..<300).enumerated().filter { $0.offset % 6 == 0 }.map(\.element)
            try await fixture.produce(copies)
            try await fixture.waitUntil("the copies were delivered", timeout: IngestFixture.livenessBound) {
                try await fixture.count("SELECT count(*) FROM events WHERE deliveries = 2") == copies.count
            }
            try await fixture.expectLiveness()
            let redelivered = try await fixture.expectExactlyOnce(eventIDs: eventIDs(0..<300))
            #expect(redelivered == copies.count, "each second copy was seen and absorbed")
            await monitor.stopAndCheck()
            await IngestFixture.stopCleanly(worker)
        }
    }

    /// **Row 12b**: after everything was ingested and committed, the worker stops, a consumer of
    /// the same group commits every partition's offset back to half, and the worker restarts.
    /// The rewound messages are delivered again and absorbed. Invariants: 1, 2 (exactly one job
    /// each; `deliveries` shows exactly the rewound replays), 3 (sampled; the rewind shows as
    /// regressions), 5.
    @Test func row12bARewoundGroupOffsetReplaysWithoutASecondEffect() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let fixture = try IngestFixture(databaseURL: url, batchSize: 50)
            let monitor = try await CommitInvariantMonitor.start(fixture)
            let worker = try fixture.startWorker(name: "worker-before")
            try await fixture.produce(IngestFixture.events(0..<400))
            try await fixture.waitForRecorded(events: 400)
            try await fixture.expectLiveness()
            await IngestFixture.stopCleanly(worker)

            let committed = try await monitor.committed()
            #expect(committed.values.reduce(0, +) == 400)
            let rewound = committed.mapValues { $0 / 2 }
            let replays = Int(committed.values.reduce(0, +) - rewound.values.reduce(0, +))
            let rewinder = try fixture.cluster.makeConsumer(topic: fixture.topic, group: fixture.group)
            let early = try await rewinder.poll(untilAssignment: { $0.count == 8 }, timeout: .seconds(90))
            #expect(early.isEmpty, "the group had committed everything")
            try await rewinder.commit(
                offsets: rewound.map {
                    KafkaTopicPartitionOffset(
                        KafkaTopicPartition(topic: fixture.topic, partition: $0.key), offset: $0.value)
                })
            await rewinder.close()
            #expect(try await monitor.committed() == rewound)

            let restarted = try fixture.startWorker(name: "worker-after")
            try await fixture.waitUntil(
                "the \(replays) rewound messages were delivered again", timeout: IngestFixture.livenessBound
            ) {
                try await fixture.count("SELECT coalesce(sum(deliveries - 1), 0) FROM events") == replays
            }
            try await fixture.expectLiveness()
            let redelivered = try await fixture.expectExactlyOnce(eventIDs: eventIDs(0..<400))
            #expect(redelivered == replays, "exactly the rewound messages were replayed")
            let report = await monitor.stopAndCheck()
            #expect(report.regressions > 0, "the monitor saw the rewind")
            await IngestFixture.stopCleanly(restarted)
        }
    }

    /// **Row 13**: poison messages — malformed JSON, an unknown event type, and a valid-looking
    /// event Postgres refuses (an extension attribute `1e1000000` the validator passes and
    /// `jsonb` cannot hold, SQLSTATE class 22) — are parked in `dead_letters` with a reason, the
    /// good events around them on the same partitions are recorded, and the poison offsets are
    /// committed. Invariants: 1 (good events recorded, poison dead-lettered), 2, 3 (sampled), 5.
    @Test func row13PoisonIsParkedAndThePartitionKeepsMoving() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let fixture = try IngestFixture(databaseURL: url, partitions: 2, batchSize: 50)
            let monitor = try await CommitInvariantMonitor.start(fixture)
            let worker = try fixture.startWorker()
            var messages = IngestFixture.events(0..<300)
            for i in 0..<3 {
                let malformed = TestEvents.invalid(index: i * 5)  // bad JSON
                let unknownType = TestEvents.invalid(index: i * 5 + 1)  // hr.employee.promoted
                var refused = String(decoding: TestEvents.event(id: "refused-\(i)", employee: "R\(i)"), as: UTF8.self)
                refused.removeLast()
                refused += #","rosterbig":1e1000000}"#
                messages.insert((malformed.key, malformed.value), at: 20 + i * 90)
                messages.insert((unknownType.key, unknownType.value), at: 50 + i * 90)
                messages.insert(("R\(i)", Data(refused.utf8)), at: 80 + i * 90)
            }
            // Round-robin over 2 partitions: poison sits between good events on both.
            try await fixture.produce(messages, partitions: [0, 1])
            try await fixture.waitForRecorded(events: 300, deadLetters: 9)
            try await fixture.expectLiveness()  // the poison offsets were committed too
            try await fixture.expectExactlyOnce(eventIDs: eventIDs(0..<300), deadLetters: 9)
            let codes = try await fixture.pool.query(
                "SELECT code, count(*), min(reason) FROM dead_letters GROUP BY 1 ORDER BY 1"
            ).rows.map {
                (try $0.decode(String.self, at: 0), try $0.decode(Int64.self, at: 1), try $0.decode(String.self, at: 2))
            }
            #expect(codes.map(\.0) == ["invalid_event", "invalid_json", "unstorable"], "\(codes)")
            #expect(codes.allSatisfy { $0.1 == 3 }, "\(codes)")
            #expect(codes.last?.2.contains("SQLSTATE 22") == true, "Postgres's refusal is named: \(codes)")
            // Good events after the last poison message of each partition were recorded.
            let lastPoison = try await fixture.pool.query(
                #"SELECT partition, max("offset") FROM dead_letters GROUP BY 1"#
            ).rows
            for row in lastPoison {
                let (partition, offset) = (try row.decode(Int32.self, at: 0), try row.decode(Int64.self, at: 1))
                let after = try await fixture.count(
                    #"SELECT count(*) FROM events WHERE partition = \#(partition) AND "offset" > \#(offset)"#)
                #expect(after > 0, "partition \(partition) kept moving past its poison")
            }
            await monitor.stopAndCheck()
            #expect(worker.isRunning)
            await IngestFixture.stopCleanly(worker)
        }
    }
}
