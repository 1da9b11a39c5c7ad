import Foundation
import RosterCore

/// Everything `roster jobs show` prints: the job, the event it came from (without personal data),
/// every attempt, the audit rows, and one timeline merging them.
public struct JobDetail: Sendable {
    /// The inbox row of the job's event. The payload itself is not shown: it holds the employee's
    /// email and name; only the requested grants are.
    public struct Event: Sendable, Hashable {
        public var id: String
        public var type: String
        public var source: String
        public var time: Timestamp
        public var receivedAt: Timestamp
        public var sequence: Int64?
        public var deliveries: Int
        public var topic: String
        public var partition: Int
        public var offset: Int64
        /// `data.access` as requested, or `nil` when the access policy decides.
        public var access: [AccessGrant]?

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
                    .array(grants.map { .object(["vendor": .string($0.vendor), "project": .string($0.project), "role": .string($0.role)]) })
                } ?? .null,
            ])
        }
    }

    /// One row of `step_attempts`.
    public struct Attempt: Sendable, Hashable {
        public var position: Int
        public var attempt: Int
        public var worker: String
        public var startedAt: Timestamp
        public var finishedAt: Timestamp
        /// `succeeded`, `retry`, `failed` or `cancelled`.
        public var outcome: String
        public var httpStatus: Int?
        public var vendorCode: String?
        public var message: String?

        public func json(step: StepRecord?) -> JSONValue {
            .object([
                "position": .int(position),
                "step": .text(step?.name),
                "vendor": .text(step?.vendor),
                "attempt": .int(attempt),
                "worker": .string(worker),
                "started_at": .time(startedAt),
                "finished_at": .time(finishedAt),
                "outcome": .string(outcome),
                "http_status": .int(httpStatus),
                "vendor_code": .text(vendorCode),
                "message": .text(message),
            ])
        }
    }

    /// One line of the timeline.
    public struct TimelineEntry: Sendable, Hashable {
        public var at: Timestamp
        /// `event`, `received`, `created`, `attempt`, `vendor_mutation`, `operator`, `finished`.
        public var kind: String
        public var vendor: String?
        public var step: String?
        public var text: String

        public var json: JSONValue {
            .object(["at": .time(at), "kind": .string(kind), "vendor": .text(vendor), "step": .text(step), "text": .string(text)])
        }
    }

    public var job: JobRecord
    public var event: Event?
    public var attempts: [Attempt]
    public var audit: [AuditEntry]

    /// Event, attempts, audit rows and the job's end, in time order.
    public var timeline: [TimelineEntry] {
        var entries: [TimelineEntry] = []
        if let event {
            entries.append(.init(at: event.time, kind: "event", text: "\(event.type) event \(event.id) (HR time)"))
            entries.append(.init(at: event.receivedAt, kind: "received", text: "received from \(event.topic)[\(event.partition)]@\(event.offset)"))
        }
        entries.append(.init(at: job.createdAt, kind: "created", text: "job \(job.id) created\(job.holdReason.map { " held: \($0)" } ?? "")"))
        let steps = Dictionary(job.steps.map { ($0.position, $0) }, uniquingKeysWith: { a, _ in a })
        for attempt in attempts {
            let step = steps[attempt.position]
            var text = "\(step?.name ?? "step \(attempt.position)") attempt \(attempt.attempt): \(attempt.outcome)"
            if let status = attempt.httpStatus { text += " (HTTP \(status))" }
            if let message = attempt.message, !message.isEmpty { text += " — \(message)" }
            entries.append(.init(at: attempt.finishedAt, kind: "attempt", vendor: step?.vendor, step: step?.name, text: text))
        }
        for entry in audit {
            var text = "\(entry.action) \(entry.outcome)"
            if !entry.targetSummary.isEmpty { text += " [\(entry.targetSummary)]" }
            if entry.isOperatorAction {
                text = "\(entry.actor.dropFirst("operator:".count)) \(entry.action): \(entry.outcome)"
                if let reason = entry.reason { text += " — \"\(reason)\"" }
            }
            entries.append(.init(at: entry.at, kind: entry.isOperatorAction ? "operator" : "vendor_mutation", vendor: entry.vendor, text: text))
        }
        if let finished = job.finishedAt {
            let why = job.status == .cancelled ? job.cancelReason : job.status == .dead ? job.lastError : nil
            entries.append(.init(at: finished, kind: "finished", text: "job \(job.status.rawValue)\(why.map { ": \($0)" } ?? "")"))
        }
        // Stable: equal times keep insertion order.
        return entries.enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }.map(\.element)
    }

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
