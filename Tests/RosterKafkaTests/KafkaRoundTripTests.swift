import Foundation
import RosterKafka
import RosterTesting
import Testing

/// Produce and consume through the mock cluster; commits and restarts.
@Suite("Kafka round trip", .tags(.mockCluster), .timeLimit(.minutes(3)))
struct KafkaRoundTripTests {
    @Test func thousandKeyedMessagesWithHeadersComeBackIntact() async throws {
        let cluster = try KafkaTestCluster(label: "roundtrip")
        let topic = try cluster.makeTopic(partitions: 8)
        let producer = try cluster.makeProducer()
        let reports = try await KafkaTestMessages.produce(0..<1000, to: topic, with: producer)
        #expect(Set(reports.map(\.partition)) == Set(0..<8), "keys spread over all 8 partitions")

        let consumer = try cluster.makeConsumer(topic: topic, group: cluster.groupName())
        let messages = try await consumer.poll(atLeast: 1000, timeout: .seconds(90))
        let extra = try await consumer.poll(maxMessages: 100, timeout: .milliseconds(300))
        await consumer.close()
        await producer.close()

        #expect(messages.count == 1000)
        #expect(extra.isEmpty)
        #expect(Set(messages.compactMap(KafkaTestMessages.index)) == Set(0..<1000))
        #expect(messages.allSatisfy(KafkaTestMessages.isIntact), "keys, values and headers intact")
        #expect(messages.allSatisfy { $0.topic == topic && $0.timestamp != nil })
        // Each message sits where its delivery report said, and partitions are read in offset order.
        for message in messages {
            let report = reports[KafkaTestMessages.index(of: message)!]
            #expect(report.partition == message.partition && report.offset == message.offset)
        }
        for partition in Int32(0)..<8 {
            let offsets = messages.filter { $0.partition == partition }.map(\.offset)
            #expect(offsets == Array(0..<Int64(offsets.count)))
        }
        #expect(consumer.assignment().isEmpty, "close revoked everything")
    }

    /// Commit the first 600 consumed messages (per partition, the highest consumed offset + 1),
    /// close, restart in the same group: exactly the other 400 arrive.
    @Test(.tags(.slow)) func restartedConsumerGetsExactlyTheUncommittedMessages() async throws {
        let cluster = try KafkaTestCluster(label: "restart")
        let topic = try cluster.makeTopic(partitions: 8)
        let group = cluster.groupName()
        let producer = try cluster.makeProducer()
        try await KafkaTestMessages.produce(0..<1000, to: topic, with: producer)
        await producer.close()

        let first = try cluster.makeConsumer(topic: topic, group: group, sessionTimeout: .seconds(6))
        let consumed = try await first.poll(atLeast: 1000, timeout: .seconds(90))
        #expect(consumed.count == 1000)
        let committedPart = Array(consumed.prefix(600))
        try await first.commit(committedPart)

        var expected: [KafkaTopicPartition: Int64] = [:]
        for message in committedPart {
            expected[message.topicPartition] = max(expected[message.topicPartition] ?? 0, message.offset + 1)
        }
        let allPartitions = (Int32(0)..<8).map { KafkaTopicPartition(topic: topic, partition: $0) }
        let committed = try await first.committed(partitions: allPartitions)
        #expect(Dictionary(uniqueKeysWithValues: committed.map { ($0.topicPartition, $0.offset) }) == expected)
        let lag = try await first.lag()
        #expect(lag.count == 8)
        #expect(lag.reduce(0) { $0 + $1.lag } == 400)
        let marks = try await first.watermarks(topic: topic, partition: 0)
        #expect(marks.low == 0 && marks.high == Int64(consumed.filter { $0.partition == 0 }.count))
        await first.close()

        let second = try cluster.makeConsumer(topic: topic, group: group, sessionTimeout: .seconds(6))
        var rest = try await second.poll(atLeast: 400, timeout: .seconds(90))
        rest += try await second.poll(maxMessages: 100, timeout: .milliseconds(500))
        await second.close()

        let key = { (m: KafkaMessage) in "\(m.partition)/\(m.offset)" }
        #expect(rest.count == 400)
        #expect(Set(rest.map(key)) == Set(consumed.dropFirst(600).map(key)))
        #expect(rest.allSatisfy(KafkaTestMessages.isIntact))
    }

    /// OffsetCommit answers with transient errors: the commit either survives them (librdkafka
    /// retries some itself) or throws a retryable ``KafkaError``; a later commit lands the offsets.
    @Test(arguments: [
        [KafkaResponseCode.notCoordinator, .requestTimedOut, .coordinatorLoadInProgress],
        [KafkaResponseCode.coordinatorLoadInProgress, .coordinatorLoadInProgress, .coordinatorLoadInProgress],
        [KafkaResponseCode.requestTimedOut],
    ])
    func injectedCommitErrorsAreRetryableAndTheNextCommitLands(errors: [KafkaResponseCode]) async throws {
        let cluster = try KafkaTestCluster(label: "commit-errors")
        let topic = try cluster.makeTopic(partitions: 4)
        let producer = try cluster.makeProducer()
        try await KafkaTestMessages.produce(0..<100, to: topic, with: producer)
        await producer.close()
        let consumer = try cluster.makeConsumer(topic: topic, group: cluster.groupName())
        let messages = try await consumer.poll(atLeast: 100, timeout: .seconds(90))
        #expect(messages.count == 100)

        cluster.mock.pushRequestErrors(apiKey: .offsetCommit, errors: errors)
        var failures: [KafkaError] = []
        for _ in 0...errors.count {
            do {
                try await consumer.commit(messages)
                break
            } catch let error as KafkaError {
                failures.append(error)
            }
        }
        #expect(failures.count <= errors.count, "a commit lands once the injected errors are used up")
        for failure in failures {
            #expect(failure.code == .commitFailed)
            #expect(failure.isRetryable, "\(failure.debugDescription)")
            #expect(errors.contains(failure.responseCode ?? .noError))
        }
        let partitions = (Int32(0)..<4).map { KafkaTopicPartition(topic: topic, partition: $0) }
        let committed = try await consumer.committed(partitions: partitions)
        let expected = KafkaConsumer.nextOffsetsForTesting(messages)
        #expect(Set(committed) == Set(expected))
        try await consumer.commit(messages)  // Recommitting the same offsets is harmless.
        await consumer.close()
        let surfaced = failures.map { $0.rdkafkaName ?? "?" }
        print("commit errors \(errors.map(\.name)): \(failures.count) surfaced \(surfaced)")
    }
}

extension KafkaConsumer {
    /// The highest offset + 1 per partition, computed independently of the library.
    static func nextOffsetsForTesting(_ messages: [KafkaMessage]) -> [KafkaTopicPartitionOffset] {
        var highest: [KafkaTopicPartition: Int64] = [:]
        for message in messages {
            highest[message.topicPartition] = max(highest[message.topicPartition] ?? 0, message.offset + 1)
        }
        return highest.map { KafkaTopicPartitionOffset($0.key, offset: $0.value) }
    }
}
