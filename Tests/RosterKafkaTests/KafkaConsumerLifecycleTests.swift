import Foundation
import RosterKafka
import RosterTesting
import Testing

/// Cancellation, close during a blocking poll, and use after close.
@Suite("Kafka consumer lifecycle", .tags(.mockCluster), .timeLimit(.minutes(3)))
struct KafkaConsumerLifecycleTests {
    @Test func cancellingTheTaskEndsABlockingPollEarly() async throws {
        let cluster = try KafkaTestCluster(label: "cancel")
        let topic = try cluster.makeTopic(partitions: 1)
        let consumer = try cluster.makeConsumer(topic: topic, group: cluster.groupName())
        let polling = Task { try await consumer.poll(maxMessages: 10, timeout: .seconds(Int64.max)) }
        try await Task.sleep(for: .milliseconds(200))
        polling.cancel()
        let messages = try await polling.value
        #expect(messages.isEmpty)
        // The poll had no deadline: that it ended at all proves the cancellation (5.4 s was seen
        // with both cores saturated); a poll that ignored it would run into the suite's time limit.
        await consumer.close()
    }

    @Test func closeEndsABlockingPollAndLaterCallsThrowClosed() async throws {
        let cluster = try KafkaTestCluster(label: "close-poll")
        let topic = try cluster.makeTopic(partitions: 1)
        let consumer = try cluster.makeConsumer(topic: topic, group: cluster.groupName())
        let started = ContinuousClock.now
        let polling = Task { try await consumer.poll(maxMessages: 10, timeout: .seconds(150)) }
        try await Task.sleep(for: .milliseconds(200))
        await consumer.close()
        #expect(try await polling.value.isEmpty)
        // Far from the poll's own 150 s timeout: the bound only tells "close ended it" from "it ran
        // out", generous for a saturated machine.
        #expect(ContinuousClock.now - started < .seconds(75), "well before the poll's own 150 s timeout")
        #expect(consumer.isClosed)
        await consumer.close()  // Idempotent.

        let pollError = await #expect(throws: KafkaError.self) {
            try await consumer.poll(maxMessages: 1, timeout: .zero)
        }
        #expect(pollError?.code == .closed)
        let message = KafkaMessage(topic: topic, partition: 0, offset: 0, value: Data())
        let commitError = await #expect(throws: KafkaError.self) { try await consumer.commit([message]) }
        #expect(commitError?.code == .closed)
        let queryError = await #expect(throws: KafkaError.self) {
            try await consumer.watermarks(topic: topic, partition: 0)
        }
        #expect(queryError?.code == .closed)
        var events: [KafkaRebalanceEvent] = []
        for await event in consumer.rebalanceEvents { events.append(event) }  // Finished by close.
        #expect(events.isEmpty)
    }

    @Test func invalidArgumentsAreRejected() async throws {
        let cluster = try KafkaTestCluster(label: "arguments")
        let topic = try cluster.makeTopic(partitions: 1)
        let consumer = try cluster.makeConsumer(topic: topic, group: cluster.groupName())
        let zero = await #expect(throws: KafkaError.self) { try await consumer.poll(maxMessages: 0, timeout: .zero) }
        #expect(zero?.code == .config)
        let negative = await #expect(throws: KafkaError.self) {
            try await consumer.commit(offsets: [KafkaTopicPartitionOffset(topic: topic, partition: 0, offset: -1)])
        }
        #expect(negative?.code == .config)
        try await consumer.commit([])  // Nothing to commit: no call at all.
        // (An unknown topic cannot be tested here: the mock serves Metadata v0-2, which creates
        // any topic it is asked about, with 4 partitions.)
        #expect(try await consumer.partitions(topic: topic) == [0])
        await consumer.close()
    }

    /// librdkafka before 2.2.1 aborts the process (`Assertion 'assignor_state' failed`) when a
    /// cooperative-sticky consumer is destroyed after its JoinGroup response and before its first
    /// SyncGroup answer (confluentinc/librdkafka#4312, fixed by #4381; the same scenario as that
    /// fix's own test `s_no_segfault_before_first_rebalance`). A worker stopped while its group was
    /// still rebalancing around a killed member hit it. Here every SyncGroup fails for a while, so
    /// the consumer has joined but holds no assignment when it closes and is released; if the
    /// wrapper destroyed it, this test process would abort.
    @Test func closingBeforeTheFirstAssignmentDoesNotAbort() async throws {
        let cluster = try KafkaTestCluster(label: "before-assignment")
        let topic = try cluster.makeTopic(partitions: 2)
        cluster.mock.pushRequestErrors(apiKey: .syncGroup, errors: Array(repeating: .notCoordinator, count: 300))
        var consumer: KafkaConsumer? = try cluster.makeConsumer(topic: topic, group: cluster.groupName())
        // The mock holds a new group's first join for 3 s; poll past it so JoinGroup is answered.
        _ = try await consumer!.poll(maxMessages: 10, timeout: .seconds(5))
        #expect(consumer!.assignment().isEmpty, "every SyncGroup failed: no assignment yet")
        await consumer!.close()
        consumer = nil
        cluster.mock.clearRequestErrors(apiKey: .syncGroup)
        // The handle's teardown runs on its own queue: give an abort the chance to happen.
        try await Task.sleep(for: .seconds(1))
    }
}
