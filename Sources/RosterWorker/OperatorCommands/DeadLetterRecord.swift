import Foundation
import RosterCore

/// A message that could not become a job, and what became of it. The value is never printed (it
/// holds personal data); `roster dlq show --save-payload FILE` writes it to a file for correcting.
public struct DeadLetterRecord: Sendable, Hashable {
    /// The `dead_letters` row id, as `roster dlq show|replay` take it.
    public var id: Int64
    /// The Kafka topic the message was read from.
    public var topic: String
    /// The Kafka partition it was read from.
    public var partition: Int
    /// Its offset in that partition; a redelivered message stays one dead letter.
    public var offset: Int64
    /// The Kafka message key as received (the employee id it claimed), or `nil`; never shown.
    public var key: Data?
    /// The message value, byte for byte. It holds personal data (emails, names): never print or log
    /// it; only its size is shown.
    public var value: Data
    /// The names of the message's Kafka headers; their values are not read.
    public var headerKeys: [String]
    /// The stable kind, as `roster dlq list --code` filters it (`invalid_event`, `unstorable`, …).
    public var code: String
    /// Why it was refused, for a person: JSON paths and problems, never the offending values.
    public var reason: String
    /// The event id, when the message was JSON enough to have one.
    public var eventID: String?
    /// When the dead letter was recorded; the list's order and time filters use it.
    public var createdAt: Timestamp
    /// `new`, `replayed` or `discarded`.
    public var status: String
    /// What became of it, in a sentence (the event and job it became); `nil` while `new`.
    public var resolution: String?
    /// When it was resolved; `nil` while `new`.
    public var resolvedAt: Timestamp?
    /// How many replays ran, rejected ones included (dry runs and refusals are not counted).
    public var replayAttempts: Int
    /// When the last replay ran; `nil` if none has.
    public var replayedAt: Timestamp?
    /// `job_created`, `duplicate` or `rejected`.
    public var replayOutcome: String?
    /// The event the last replay became (`job_created` or `duplicate`).
    public var replayEventID: String?
    /// The job of that event, if there is one.
    public var replayJobID: Int64?
    /// The decoder's new reason when the last replay was rejected (`code: reason`).
    public var replayRejection: String?
    /// Whether the last replay used a corrected payload; `nil` if none has run.
    public var replayCorrected: Bool?
    /// Who ran the last replay (the operator's name).
    public var replayOperator: String?
    /// Why, in the operator's words (free text as typed).
    public var replayReason: String?

    /// The `DLQ` object of `--output json`: the value's size, header names, no key.
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
