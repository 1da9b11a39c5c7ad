import Foundation
import RosterCore
import RosterPostgres

/// Everything `roster jobs show` prints: the job, the event it came from (without personal data),
/// every attempt, the audit rows, and one timeline merging them.
public struct JobDetail: Sendable {
    /// The inbox row of the job's event. The payload itself is not shown: it holds the employee's
    /// email and name; only the requested grants are.
    public struct Event: Sendable, Hashable {
        /// The HR event id, the inbox's deduplication key.
        public var id: String
        /// `onboarding`, `offboarding` or `changed`.
        public var type: String
        /// The event's `source` as sent (`roster:reconcile` for events reconciliation recorded).
        public var source: String
        /// The HR event's `time`: when it happened, by HR's clock.
        public var time: Timestamp
        /// When Roster first recorded the event in the inbox.
        public var receivedAt: Timestamp
        /// HR's per-employee `sequence`; `nil` when the event carried none (arrival order counts).
        public var sequence: Int64?
        /// How many times Kafka delivered this event id (redeliveries are absorbed, and counted).
        public var deliveries: Int
        /// The Kafka topic of the delivery first recorded.
        public var topic: String
        /// The Kafka partition of the delivery first recorded.
        public var partition: Int
        /// The offset of the delivery first recorded, in ``partition``.
        public var offset: Int64
        /// `data.access` as requested, or `nil` when the access policy decides.
        public var access: [AccessGrant]?

        /// The `event` object of `roster jobs show --output json` (never the payload).
        public var json: JSONValue {
            .object([
                "id": .string(id),
                "type": .string(type),
                "source": .string(source),
                "time": .time(time),
                "received_at": .time(receivedAt),
                "sequence": .int(sequence),
                "deliveries": .int(deliveries),
                "topic": .string(topic),
                "partition": .int(partition),
                "offset": .int(offset),
                "access": access.map { grants in
                    .array(
                        grants.map {
                            .object([
                                "vendor": .string($0.vendor), "project": .string($0.project), "role": .string($0.role),
                            ])
                        })
                } ?? .null,
            ])
        }
    }

    /// One row of `step_attempts`.
    public struct Attempt: Sendable, Hashable {
        /// The position of the attempted step in the job's plan (``StepRecord/position``).
        public var position: Int
        /// Which try of the step it was, from 1; the count restarts when a replay resets the step.
        public var attempt: Int
        /// The id of the worker that made the attempt.
        public var worker: String
        /// When the attempt began.
        public var startedAt: Timestamp
        /// When the attempt ended and was recorded.
        public var finishedAt: Timestamp
        /// `succeeded`, `retry`, `failed` or `cancelled`.
        public var outcome: AttemptOutcome
        /// The vendor's HTTP status, when the call got an answer.
        public var httpStatus: Int?
        /// The vendor's own error code, when it sent one.
        public var vendorCode: String?
        /// What happened, redacted when written: no emails, names or keys.
        public var message: String?

        /// One entry of `attempt_history`; `step` (the plan step at ``position``) gives its name
        /// and vendor.
        public func json(step: StepRecord?) -> JSONValue {
            .object([
                "position": .int(position),
                "step": .text(step?.name),
                "vendor": .text(step?.vendor),
                "attempt": .int(attempt),
                "worker": .string(worker),
                "started_at": .time(startedAt),
                "finished_at": .time(finishedAt),
                "outcome": .string(outcome.rawValue),
                "http_status": .int(httpStatus),
                "vendor_code": .text(vendorCode),
                "message": .text(message),
            ])
        }
    }

    /// One line of the timeline.
    public struct TimelineEntry: Sendable, Hashable {
        /// When it happened; the timeline is sorted by it.
        public var at: Timestamp
        /// `event`, `received`, `created`, `attempt`, `vendor_mutation`, `operator`, `finished`.
        public var kind: String
        /// The vendor instance concerned, for attempts and audit rows.
        public var vendor: String?
        /// The step's name, for attempts.
        public var step: String?
        /// One line for people: ids, states, outcomes and operators' reasons (free text).
        public var text: String

        /// One entry of `timeline` in `roster jobs show --output json`.
        public var json: JSONValue {
            .object([
                "at": .time(at), "kind": .string(kind), "vendor": .text(vendor), "step": .text(step),
                "text": .string(text),
            ])
        }
    }

    /// The job with its steps.
    public var job: JobRecord
    /// The job's inbox event; `nil` if its row is missing.
    public var event: Event?
    /// Every attempt of every step, in the order they finished.
    public var attempts: [Attempt]
    /// The job's audit rows (vendor mutations and operator actions), oldest first.
    public var audit: [AuditEntry]

    /// Event, attempts, audit rows and the job's end, in time order.
    public var timeline: [TimelineEntry] {
        var entries: [TimelineEntry] = []
        if let event {
            entries.append(.init(at: event.time, kind: "event", text: "\(event.type) event \(event.id) (HR time)"))
            entries.append(
                .init(
                    at: event.receivedAt, kind: "received",
                    text: "received from \(event.topic)[\(event.partition)]@\(event.offset)"))
        }
        entries.append(
            .init(
                at: job.createdAt, kind: "created",
                text: "job \(job.id) created\(job.holdReason.map { " held: \($0)" } ?? "")"))
        let steps = Dictionary(job.steps.map { ($0.position, $0) }, uniquingKeysWith: { a, _ in a })
        for attempt in attempts {
            let step = steps[attempt.position]
            var text =
                "\(step?.name ?? "step \(attempt.position)") attempt \(attempt.attempt): \(attempt.outcome.rawValue)"
            if let status = attempt.httpStatus { text += " (HTTP \(status))" }
            if let message = attempt.message, !message.isEmpty { text += " — \(message)" }
            entries.append(
                .init(at: attempt.finishedAt, kind: "attempt", vendor: step?.vendor, step: step?.name, text: text))
        }
        for entry in audit {
            var text = "\(entry.action) \(entry.outcome)"
            if !entry.targetSummary.isEmpty { text += " [\(entry.targetSummary)]" }
            if entry.isOperatorAction {
                text = "\(entry.actor.dropFirst("operator:".count)) \(entry.action): \(entry.outcome)"
                if let reason = entry.reason { text += " — \"\(reason)\"" }
            }
            entries.append(
                .init(
                    at: entry.at, kind: entry.isOperatorAction ? "operator" : "vendor_mutation", vendor: entry.vendor,
                    text: text))
        }
        if let finished = job.finishedAt {
            let why = job.status == .cancelled ? job.cancelReason : job.status == .dead ? job.lastError : nil
            entries.append(
                .init(at: finished, kind: "finished", text: "job \(job.status.rawValue)\(why.map { ": \($0)" } ?? "")"))
        }
        // Stable: equal times keep insertion order.
        return entries.enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }.map(\.element)
    }

    /// The `roster jobs show --output json` document: the job's JSON plus `event`,
    /// `attempt_history`, `audit` and `timeline`.
    public var json: JSONValue {
        guard case .object(var object) = job.json else { return job.json }
        let steps = Dictionary(job.steps.map { ($0.position, $0) }, uniquingKeysWith: { a, _ in a })
        object["event"] = event?.json ?? .null
        object["attempt_history"] = .array(attempts.map { $0.json(step: steps[$0.position]) })
        object["audit"] = .array(audit.map(\.json))
        object["timeline"] = .array(timeline.map(\.json))
        return .object(object)
    }
}

extension JobDetail.Attempt: PostgresRowDecodable {
    /// A `step_attempts` row, by column name.
    public init(row: PostgresRow) throws(PostgresError) {
        self.init(
            position: try row.decode(Int.self, column: "position"),
            attempt: try row.decode(Int.self, column: "attempt"),
            worker: try row.decode(String.self, column: "worker"),
            startedAt: try row.decode(Timestamp.self, column: "started_at"),
            finishedAt: try row.decode(Timestamp.self, column: "finished_at"),
            outcome: try row.decode(AttemptOutcome.self, column: "outcome"),
            httpStatus: try row.decode(Int?.self, column: "http_status"),
            vendorCode: try row.decode(String?.self, column: "vendor_code"),
            message: try row.decode(String?.self, column: "message")
        )
    }
}
