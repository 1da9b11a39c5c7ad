/// A change of a ``KafkaConsumer``'s partition assignment, delivered on
/// ``KafkaConsumer/rebalanceEvents`` after librdkafka has applied it.
///
/// Rebalances are served only inside ``KafkaConsumer/poll(maxMessages:timeout:)`` and
/// ``KafkaConsumer/close()``, on the consumer's own thread, so they never interleave with a commit.
public enum KafkaRebalanceEvent: Sendable, Hashable {
    /// These partitions were added to the assignment (all of it for eager strategies, only the new
    /// ones for `cooperative-sticky`).
    case assigned([KafkaTopicPartition])
    /// These partitions were taken away in an orderly rebalance. Messages from them that were
    /// still being assembled into a batch were dropped; the new owner reads them from the last commit.
    case revoked([KafkaTopicPartition])
    /// These partitions were lost without an orderly rebalance (session timeout, fenced member);
    /// another member may already own them. Commits for them will fail or be ignored.
    case lost([KafkaTopicPartition])

    /// The partitions of the event.
    public var partitions: [KafkaTopicPartition] {
        switch self {
        case .assigned(let partitions), .revoked(let partitions), .lost(let partitions): partitions
        }
    }
}
