import Foundation
import RosterKafka
import RosterTesting
import Testing

@Suite("KafkaMockCluster", .tags(.mockCluster), .timeLimit(.minutes(3)))
struct KafkaMockClusterTests {
    @Test func startsBrokersOnLoopbackPorts() throws {
        let mock = try KafkaMockCluster(brokers: 3, logger: KafkaTestLogger.make("mock"))
        let servers = mock.bootstrapServers.split(separator: ",")
        #expect(servers.count == 3)
        #expect(servers.allSatisfy { $0.hasPrefix("127.0.0.1:") })
        #expect(mock.brokerIDs == 1...3)
        try mock.createTopic("hr.events", partitions: 8, replicationFactor: 3)
        try mock.setPartitionLeader(topic: "hr.events", partition: 0, broker: 2)
        try mock.setCoordinator(group: "roster", broker: 3)
        try mock.setRTT(broker: nil, milliseconds: 0)
        try mock.setBrokerDown(2)
        try mock.setBrokerUp(2)
        mock.pushRequestErrors(apiKey: .heartbeat, errors: [.illegalGeneration, 25])
        mock.clearRequestErrors(apiKey: .heartbeat)
    }

    @Test func rejectsInvalidRequests() throws {
        let mock = try KafkaMockCluster(brokers: 1, logger: KafkaTestLogger.make("mock"))
        #expect(throws: KafkaError.self) { try mock.createTopic("bad topic", partitions: 1) }
        let error = #expect(throws: KafkaError.self) { try mock.setBrokerDown(7) }
        #expect(error?.code == .mockCluster)
        #expect(throws: KafkaError.self) { try KafkaMockCluster(brokers: 0, logger: KafkaTestLogger.make("mock")) }
    }

    /// A slow coordinator delays commits but they still land.
    @Test func slowBrokersDelayButDoNotBreakCommits() async throws {
        let cluster = try KafkaTestCluster(label: "rtt")
        let topic = try cluster.makeTopic(partitions: 2)
        let producer = try cluster.makeProducer()
        try await KafkaTestMessages.produce(0..<20, to: topic, with: producer)
        await producer.close()
        let consumer = try cluster.makeConsumer(topic: topic, group: cluster.groupName())
        let messages = try await consumer.poll(atLeast: 20, timeout: .seconds(90))
        try cluster.mock.setRTT(broker: nil, milliseconds: 300)
        let started = ContinuousClock.now
        try await consumer.commit(messages)
        #expect(ContinuousClock.now - started >= .milliseconds(300))
        try cluster.mock.setRTT(broker: nil, milliseconds: 0)
        let committed = try await consumer.committed(
            partitions: [
                KafkaTopicPartition(topic: topic, partition: 0), KafkaTopicPartition(topic: topic, partition: 1),
            ])
        #expect(committed.reduce(0) { $0 + $1.offset } == 20)
        await consumer.close()
    }
}
