import Foundation
import Testing

@testable import RosterKafka

@Suite("KafkaError and value types")
struct KafkaErrorTests {
    @Test func descriptionIsRedactedAndDebugDescriptionHasDetail() {
        let error = KafkaError(
            code: .commitFailed, responseCode: .coordinatorLoadInProgress, reason: "secret reason text")
        #expect(error.description == "KafkaError(commitFailed, COORDINATOR_LOAD_IN_PROGRESS, retryable)")
        #expect(!error.description.contains("secret"))
        #expect(error.debugDescription.contains("secret reason text"))
        #expect(error.debugDescription.contains("KafkaErrorTests.swift"))
        #expect(error.isRetryable)
        #expect(!error.isFatal)
        #expect(error.rdkafkaName == "COORDINATOR_LOAD_IN_PROGRESS")
    }

    @Test func retryableCodes() {
        for code: KafkaResponseCode in [
            .requestTimedOut, .coordinatorLoadInProgress, .notCoordinator, .rebalanceInProgress, .transport,
            .messageTimedOut,
        ] {
            #expect(code.isRetryable, "\(code)")
        }
        for code: KafkaResponseCode in [.illegalGeneration, .unknownMemberID, .topicAuthorizationFailed, .fatal] {
            #expect(!code.isRetryable, "\(code)")
        }
        #expect(KafkaResponseCode.transport.name == "_TRANSPORT")
        #expect(KafkaResponseCode(integerLiteral: 7) == .requestTimedOut)
    }

    @Test func messageDescriptionsCarryNoPayload() {
        let message = KafkaMessage(
            topic: "hr.events", partition: 3, offset: 42, key: Data("E1001".utf8), value: Data("ada@example.com".utf8),
            headers: [KafkaHeader(key: "type", string: "secret")])
        #expect(message.description == "KafkaMessage(hr.events[3]@42)")
        #expect(message.header("type") == Data("secret".utf8))
        let record = KafkaProducerRecord(topic: "hr.events", key: Data("E1001".utf8), value: Data("ada".utf8))
        #expect(!record.description.contains("ada"))
    }

    @Test func nextOffsetsAreHighestPlusOnePerPartition() {
        func message(_ partition: Int32, _ offset: Int64, topic: String = "t") -> KafkaMessage {
            KafkaMessage(topic: topic, partition: partition, offset: offset, value: Data())
        }
        let batch = [
            message(0, 5), message(0, 6), message(1, 3), message(0, 7), message(1, 2), message(0, 1, topic: "u"),
        ]
        let offsets = KafkaConsumer.nextOffsets(after: batch).sorted { $0.topicPartition < $1.topicPartition }
        #expect(
            offsets == [
                KafkaTopicPartitionOffset(topic: "t", partition: 0, offset: 8),
                KafkaTopicPartitionOffset(topic: "t", partition: 1, offset: 4),
                KafkaTopicPartitionOffset(topic: "u", partition: 0, offset: 2),
            ])
    }

    @Test func revokedPartitionsAreDroppedFromABatchInOrder() {
        let batch = (0..<12).map {
            KafkaMessage(topic: $0 < 9 ? "t" : "u", partition: Int32($0 % 3), offset: Int64($0), value: Data())
        }
        var kept = batch
        let dropped = KafkaConsumer.drop(
            [KafkaTopicPartition(topic: "t", partition: 1), KafkaTopicPartition(topic: "u", partition: 0)], from: &kept)
        #expect(dropped == 4)
        #expect(kept.map(\.offset) == [0, 2, 3, 5, 6, 8, 10, 11])
    }

    @Test func lagCountsFromTheLowWatermarkWithoutACommit() {
        #expect(KafkaPartitionLag(topic: "t", partition: 0, committed: 40, low: 0, high: 100).lag == 60)
        #expect(KafkaPartitionLag(topic: "t", partition: 0, committed: nil, low: 10, high: 100).lag == 90)
        #expect(KafkaPartitionLag(topic: "t", partition: 0, committed: 5, low: 10, high: 100).lag == 90)
        #expect(KafkaPartitionLag(topic: "t", partition: 0, committed: 100, low: 0, high: 100).lag == 0)
    }

    @Test func durationsRoundUpToMilliseconds() {
        #expect(Duration.microseconds(1).roundedUpMilliseconds == 1)
        #expect(Duration.milliseconds(1500).roundedUpMilliseconds == 1500)
        #expect(Duration.seconds(Int64.max).timeoutMilliseconds == Int32.max)
        #expect(Duration.seconds(-3).timeoutMilliseconds == 0)
    }
}
