import Foundation
import RosterCore

/// A message that could not become a job, and what became of it. The value is never printed (it
/// holds personal data); `roster dlq show --save-payload FILE` writes it to a file for correcting.
public struct DeadLetterRecord: Sendable, Hashable {
    public var id: Int64
    public var topic: String
    public var partition: Int
    public var offset: Int64
    public var key: Data?
    public var value: Data
    public var headerKeys: [String]
    public var code: String
    public var reason: String
    public var eventID: String?
    public var createdAt: Timestamp
    /// `new`, `replayed` or `discarded`.
    public var status: String
    public var resolution: String?
    public var resolvedAt: Timestamp?
    public var replayAttempts: Int
    public var replayedAt: Timestamp?
    /// `job_created`, `duplicate` or `rejected`.
    public var replayOutcome: String?
    public var replayEventID: String?
    public var replayJobID: Int64?
    public var replayRejection: String?
    public var replayCorrected: Bool?
    public var replayOperator: String?
    public var replayReason: String?

    public var json: JSONValue {
        .object([
            "id": .int(id),
            "topic": .string(topic),
            "partition": .int(partition),
            "offset": .int(offset),
            "size_bytes": .int(value.count),
            "header_keys": .array(headerKeys.map { .string($0) }),
            "code": .string(code),
            "reason": .string(reason),
            "event_id": .text(eventID),
            "created_at": .time(createdAt),
            "status": .string(status),
            "resolution": .text(resolution),
            "resolved_at": .time(resolvedAt),
            "replay": .object([
                "attempts": .int(replayAttempts),
                "replayed_at": .time(replayedAt),
                "outcome": .text(replayOutcome),
                "event_id": .text(replayEventID),
                "job_id": .int(replayJobID),
                "rejection": .text(replayRejection),
                "corrected_payload": replayCorrected.map { .bool($0) } ?? .null,
                "operator": .text(replayOperator),
                "reason": .text(replayReason),
            ]),
        ])
    }
}
