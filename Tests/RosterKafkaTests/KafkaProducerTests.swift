import Foundation
import RosterKafka
import RosterTesting
import Testing

@Suite("Kafka producer", .tags(.mockCluster), .timeLimit(.minutes(3)))
struct KafkaProducerTests {
    @Test func deliveryReportsGivePartitionAndOffset() async throws {
        let cluster = try KafkaTestCluster(label: "reports")
        let topic = try cluster.makeTopic(partitions: 4)
        let producer = try cluster.makeProducer()

        let reports = try await KafkaTestMessages.produce(0..<200, to: topic, with: producer)
        #expect(reports.allSatisfy { $0.topic == topic && (0..<4).contains($0.partition) && $0.timestamp != nil })
        for partition in Int32(0)..<4 {
            // A fresh topic: each partition's offsets are 0, 1, 2, … in send order.
            let offsets = reports.filter { $0.partition == partition }.map(\.offset)
            #expect(offsets == (0..<offsets.count).map { Int64($0) })
        }
        // The same key always lands on the same partition.
        let again = try await producer.send(KafkaTestMessages.record(topic: topic, index: 7))
        #expect(again.partition == reports[7].partition)
        #expect(again.offset == Int64(reports.filter { $0.partition == again.partition }.count))

        let pinned = try await producer.send(KafkaProducerRecord(topic: topic, partition: 2, key: nil, value: Data()))
        #expect(pinned.partition == 2)
        await producer.close()

        let consumer = try cluster.makeConsumer(topic: topic, group: cluster.groupName())
        let messages = try await consumer.poll(atLeast: 202, timeout: .seconds(90))
        await consumer.close()
        let empty = messages.first { $0.partition == 2 && $0.offset == pinned.offset }
        #expect(empty?.key == nil && empty?.value == Data() && empty?.headers == [])
    }

    @Test func batchSendReportsEachRecordSeparately() async throws {
        let cluster = try KafkaTestCluster(label: "batch")
        let topic = try cluster.makeTopic(partitions: 2)
        let producer = try cluster.makeProducer()
        // Wait for metadata so the bad partition is rejected at enqueue time.
        _ = try await producer.send(KafkaTestMessages.record(topic: topic, index: 0))
        var records = KafkaTestMessages.records(topic: topic, range: 1..<4)
        records.insert(KafkaProducerRecord(topic: topic, partition: 99, value: Data("x".utf8)), at: 1)
        let outcomes = try await producer.send(records)
        #expect(outcomes.count == 4)
        #expect((try? outcomes[0].get()) != nil)
        #expect((try? outcomes[2].get()) != nil && (try? outcomes[3].get()) != nil)
        guard case .failure(let error) = outcomes[1] else {
            Issue.record("a record for partition 99 of a 2-partition topic must fail")
            return
        }
        #expect([.produceFailed, .deliveryFailed].contains(error.code))
        #expect(error.rdkafkaName == "_UNKNOWN_PARTITION", "\(error.debugDescription)")
        await producer.close()
        await producer.close()  // Idempotent.
        let closed = await #expect(throws: KafkaError.self) { try await producer.send(records[0]) }
        #expect(closed?.code == .closed)
    }

    /// librdkafka's local queue holds 50 messages: a batch of 2,000 waits for delivery reports to
    /// free space and retries instead of failing.
    @Test func batchSendWaitsOutAFullLocalQueue() async throws {
        let cluster = try KafkaTestCluster(label: "queue-full")
        let topic = try cluster.makeTopic(partitions: 4)
        let producer = try cluster.makeProducer { $0.additional["queue.buffering.max.messages"] = "50" }
        let reports = try await KafkaTestMessages.produce(0..<2000, to: topic, with: producer)
        #expect(reports.count == 2000)
        #expect(Set(reports.map { "\($0.partition)/\($0.offset ?? -1)" }).count == 2000)
        await producer.close()
    }

    /// No broker reachable: the message times out after `messageTimeout` with a clear error.
    @Test func sendToAnUnavailableClusterTimesOut() async throws {
        let cluster = try KafkaTestCluster(label: "unavailable")
        let topic = try cluster.makeTopic(partitions: 1)
        try cluster.mock.setBrokerDown(nil)
        let producer = try cluster.makeProducer { $0.messageTimeout = .seconds(1) }
        let started = ContinuousClock.now
        let error = await #expect(throws: KafkaError.self) {
            try await producer.send(KafkaTestMessages.record(topic: topic, index: 0))
        }
        let elapsed = ContinuousClock.now - started
        #expect(error?.code == .timedOut)
        #expect(error?.rdkafkaName == "_MSG_TIMED_OUT")
        #expect(error?.isRetryable == true)
        #expect(error?.description == "KafkaError(timedOut, _MSG_TIMED_OUT, retryable)")
        // Not before the 1 s message timeout, and long before librdkafka's 300 s default would end
        // it: the upper bound only tells the two apart (over 5 s was seen with both cores saturated).
        #expect(elapsed >= .milliseconds(900) && elapsed < .seconds(120), "\(elapsed)")
        await producer.close(timeout: .milliseconds(100))
    }

    @Test func flushWaitsForOutstandingMessages() async throws {
        let cluster = try KafkaTestCluster(label: "flush")
        let topic = try cluster.makeTopic(partitions: 2)
        // Room for the reconnect after the brokers come back (the message timed out at the
        // default 10 s once, on a loaded CI run).
        let producer = try cluster.makeProducer { $0.messageTimeout = .seconds(90) }
        try await producer.flush(timeout: .seconds(1))  // Nothing outstanding.
        try cluster.mock.setBrokerDown(nil)
        let sending = Task { try await producer.send(KafkaTestMessages.record(topic: topic, index: 1)) }
        try await Task.sleep(for: .milliseconds(200))
        let error = await #expect(throws: KafkaError.self) { try await producer.flush(timeout: .milliseconds(300)) }
        #expect(error?.code == .timedOut)
        try cluster.mock.setBrokerUp(nil)
        try await producer.flush(timeout: .seconds(90))
        let report = try await sending.value
        #expect(report.offset == 0)
        await producer.close()
    }
}
