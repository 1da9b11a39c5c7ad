import Foundation
import RosterKafka
import RosterTesting
import Testing

/// Broker outages and leader moves on the mock cluster.
@Suite("Kafka faults", .tags(.mockCluster, .slow), .timeLimit(.minutes(3)))
struct KafkaFaultTests {
    /// Every broker refuses connections for 4 s (longer than the 3 s session timeout, so the
    /// consumer loses its partitions) while the producer keeps sending; after the brokers come
    /// back, the consumer rejoins and receives everything: messages produced before, during and after.
    @Test func allBrokersDownThenUpLosesNothing() async throws {
        let cluster = try KafkaTestCluster(label: "brokers-down")
        let topic = try cluster.makeTopic(partitions: 4)
        let producer = try cluster.makeProducer { $0.messageTimeout = .seconds(120) }
        try await KafkaTestMessages.produce(0..<100, to: topic, with: producer)

        let member = KafkaGroupMember(try cluster.makeConsumer(topic: topic, group: cluster.groupName()))
        member.start()
        try await waitUntil(timeout: .seconds(90), "the first 100 messages arrived") { member.messages.count >= 100 }

        try cluster.mock.setBrokerDown(nil)
        // Sent while every broker is down: librdkafka holds them until a broker is back.
        let sending = Task { try await KafkaTestMessages.produce(100..<200, to: topic, with: producer) }
        try await Task.sleep(for: .seconds(4))
        let duringOutage = member.messages.count
        try cluster.mock.setBrokerUp(nil)

        let reports = try await sending.value
        #expect(reports.count == 100)
        try await KafkaTestMessages.produce(200..<300, to: topic, with: producer)
        try await waitUntil(timeout: .seconds(90), "all 300 messages arrived") {
            Set(member.messages.compactMap(KafkaTestMessages.index)).isSuperset(of: 0..<300)
        }
        await member.stopAndClose()
        await producer.close()

        #expect(duringOutage == 100, "nothing can arrive while every broker is down")
        let indexes = member.messages.compactMap(KafkaTestMessages.index)
        #expect(Set(indexes) == Set(0..<300), "before, during and after the outage")
        #expect(member.messages.allSatisfy(KafkaTestMessages.isIntact))
        let redelivered = indexes.count - Set(indexes).count
        print("brokers down 4 s: events \(member.record.events.map(Self.summary)); redelivered \(redelivered)")
        #expect(member.record.pollFailures.isEmpty)
    }

    /// One broker goes down and its partitions' leadership moves: the other partitions keep
    /// flowing, and the moved ones resume without a rebalance.
    @Test func leaderFailoverKeepsPartitionsFlowing() async throws {
        let cluster = try KafkaTestCluster(label: "leader-move")
        let topic = try cluster.makeTopic(partitions: 4)
        for partition in Int32(0)..<4 {
            try cluster.mock.setPartitionLeader(topic: topic, partition: partition, broker: partition < 2 ? 1 : 2)
        }
        // The group's coordinator must survive broker 1 going down (the mock does not move it).
        let group = cluster.groupName()
        try cluster.mock.setCoordinator(group: group, broker: 2)
        // Generous: under a loaded machine the producer's metadata refresh after the move can be slow.
        let producer = try cluster.makeProducer { $0.messageTimeout = .seconds(120) }
        try await KafkaTestMessages.produce(0..<40, to: topic, with: producer)
        let member = KafkaGroupMember(try cluster.makeConsumer(topic: topic, group: group))
        member.start()
        try await waitUntil(timeout: .seconds(90), "the first 40 messages arrived") { member.messages.count >= 40 }

        try cluster.mock.setBrokerDown(1)
        for partition in Int32(0)..<2 {
            try cluster.mock.setPartitionLeader(topic: topic, partition: partition, broker: 3)
        }
        try await KafkaTestMessages.produce(40..<80, to: topic, with: producer)
        try await waitUntil(timeout: .seconds(90), "the 40 later messages arrived") {
            Set(member.messages.compactMap(KafkaTestMessages.index)).isSuperset(of: 0..<80)
        }
        try cluster.mock.setBrokerUp(1)
        await member.stopAndClose()
        await producer.close()
        #expect(member.messages.compactMap(KafkaTestMessages.index).count == 80, "no redelivery")
        // No rebalance from the leader move: assigned once, revoked once by the close.
        #expect(member.record.events.count == 2, "\(member.record.events)")
    }

    private static func summary(_ event: KafkaRebalanceEvent) -> String {
        switch event {
        case .assigned(let partitions): "assigned(\(partitions.count))"
        case .revoked(let partitions): "revoked(\(partitions.count))"
        case .lost(let partitions): "lost(\(partitions.count))"
        }
    }
}
