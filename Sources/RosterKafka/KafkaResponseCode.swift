internal import CRdkafka

/// A librdkafka error code (`rd_kafka_resp_err_t`): Kafka protocol codes are positive, librdkafka's
/// own (`__TRANSPORT`, `__MSG_TIMED_OUT`, …) negative.
///
/// Used to inject faults with ``KafkaMockCluster/pushRequestErrors(apiKey:errors:)`` and carried by
/// ``KafkaError/responseCode``. Any code may be written as an integer literal.
public struct KafkaResponseCode: RawRepresentable, Hashable, Sendable, ExpressibleByIntegerLiteral,
    CustomStringConvertible
{
    /// The numeric code.
    public var rawValue: Int32

    /// Creates a code from its number.
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// Creates a code from an integer literal.
    public init(integerLiteral value: Int32) { self.rawValue = value }

    // MARK: - Kafka protocol codes (positive)

    /// Success.
    public static let noError: Self = 0
    /// The requested offset is outside the retained range.
    public static let offsetOutOfRange: Self = 1
    /// The topic or partition does not exist.
    public static let unknownTopicOrPartition: Self = 3
    /// The partition has no leader right now (election in progress).
    public static let leaderNotAvailable: Self = 5
    /// The broker is no longer the partition leader (`NOT_LEADER_OR_FOLLOWER`).
    public static let notLeaderForPartition: Self = 6
    /// The broker timed out the request.
    public static let requestTimedOut: Self = 7
    /// The broker lost a connection while handling the request.
    public static let networkException: Self = 13
    /// The group coordinator is still loading offsets.
    public static let coordinatorLoadInProgress: Self = 14
    /// The group coordinator is not available.
    public static let coordinatorNotAvailable: Self = 15
    /// The broker is not the coordinator of the group.
    public static let notCoordinator: Self = 16
    /// Fewer in-sync replicas than `min.insync.replicas`.
    public static let notEnoughReplicas: Self = 19
    /// Written, but fewer in-sync replicas than required acknowledged.
    public static let notEnoughReplicasAfterAppend: Self = 20
    /// The member's generation is stale: it was fenced by a rebalance.
    public static let illegalGeneration: Self = 22
    /// The coordinator does not know the member (session expired).
    public static let unknownMemberID: Self = 25
    /// The group is rebalancing.
    public static let rebalanceInProgress: Self = 27
    /// Not authorised for the topic.
    public static let topicAuthorizationFailed: Self = 29
    /// Not authorised for the group.
    public static let groupAuthorizationFailed: Self = 30

    // MARK: - librdkafka local codes (negative)

    /// The connection to a broker failed or was closed mid-request.
    public static let transport: Self = -195
    /// A message was not delivered within `message.timeout.ms`.
    public static let messageTimedOut: Self = -192
    /// A local operation timed out.
    public static let timedOut: Self = -185
    /// The producer's local queue is full.
    public static let queueFull: Self = -184
    /// Every broker connection is down.
    public static let allBrokersDown: Self = -187
    /// An instance-level fatal error (idempotent producer, static membership).
    public static let fatal: Self = -150

    /// librdkafka's name for the code (`rd_kafka_err2name`), e.g. `REQUEST_TIMED_OUT` or
    /// `_MSG_TIMED_OUT`.
    public var name: String {
        String(cString: rd_kafka_err2name(rd_kafka_resp_err_t(rawValue)))
    }

    /// `NAME (number)`.
    public var description: String { "\(name) (\(rawValue))" }

    /// Whether a later attempt of the same operation can succeed without the caller changing
    /// anything: timeouts, coordinator moves and loads, leader changes, rebalances, lost connections.
    public var isRetryable: Bool {
        Self.retryable.contains(self)
    }

    private static let retryable: Set<Self> = [
        .leaderNotAvailable, .notLeaderForPartition, .requestTimedOut, .networkException,
        .coordinatorLoadInProgress, .coordinatorNotAvailable, .notCoordinator, .notEnoughReplicas,
        .notEnoughReplicasAfterAppend, .rebalanceInProgress, .transport, .messageTimedOut, .timedOut,
        .queueFull, .allBrokersDown,
        -180,  // __WAIT_COORD: no coordinator yet
        -193,  // __RESOLVE: broker address did not resolve (yet)
        -176,  // __TIMED_OUT_QUEUE
        -170,  // __WAIT_CACHE
    ]
}
