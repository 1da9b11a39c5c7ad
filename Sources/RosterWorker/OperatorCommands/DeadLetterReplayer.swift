import Foundation
import RosterCore
import RosterKafka
import RosterPostgres

/// `roster dlq replay`: re-ingests a dead letter through the same decoder and the same ingest path
/// as the worker (``IngestBatch`` and ``IngestStore``: event and job inserted in one transaction,
/// with the employee's order and offboarding supersession applied), either as it was received
/// (after a configuration fix, e.g. a vendor added) or with a corrected payload.
///
/// The dead letter records what became of it in the same transaction: `replayed` with the event
/// and job it became, or, when the decoder refuses it again, the new rejection (it stays `new`).
/// The original Kafka coordinates are kept on the event; the operator and reason go to the audit log.
public struct DeadLetterReplayer: Sendable {
    /// What a replay did (or, in a dry run, would do) with one dead letter.
    public struct Outcome: Sendable {
        /// The result, as `result` in `roster dlq replay --output json` names it.
        public enum Result: Sendable, Hashable {
            /// Re-ingested: the event and job it became, and the job's status then (`queued`,
            /// `held` by the brake, or `cancelled` by a later offboarding).
            case jobCreated(eventID: String, jobID: Int64, jobStatus: String)
            /// The event id was already in the inbox: nothing new (the same id twice has one effect).
            case duplicate(eventID: String, jobID: Int64?)
            /// The decoder refused it again (`code: reason`); the dead letter stays `new`.
            case rejected(String)
            /// Dry run: it would become this event and job, making these calls.
            case wouldCreate(eventID: String, type: String, employeeID: String, calls: [PlannedCall])
            /// Dry run: it decodes, but its event id is already in the inbox.
            case wouldBeDuplicate(eventID: String)
            /// Not attempted: already resolved, or it would re-grant a leaver's access.
            case refused(String)
        }
        /// The dead letter replayed.
        public var deadLetterID: Int64
        /// What the replay did, or in a dry run would do.
        public var result: Result

        /// A replay that did not turn the dead letter into a job.
        public var isFailure: Bool {
            switch result {
            case .rejected, .refused: true
            default: false
            }
        }

        /// One entry of `dead_letters` in `roster dlq replay --output json`.
        public var json: JSONValue {
            var object: [String: JSONValue] = [
                "dead_letter_id": .int(deadLetterID), "event_id": .null, "job_id": .null, "job_status": .null,
                "reason": .null, "planned_calls": .array([]),
            ]
            switch result {
            case .jobCreated(let event, let job, let status):
                object["result"] = .string("job_created")
                (object["event_id"], object["job_id"], object["job_status"]) = (
                    .string(event), .int(job), .string(status)
                )
            case .duplicate(let event, let job):
                object["result"] = .string("duplicate")
                (object["event_id"], object["job_id"]) = (.string(event), .int(job))
            case .rejected(let why):
                (object["result"], object["reason"]) = (.string("rejected"), .string(why))
            case .wouldCreate(let event, _, _, let calls):
                (object["result"], object["event_id"]) = (.string("would_create_job"), .string(event))
                object["planned_calls"] = .array(calls.map(\.json))
            case .wouldBeDuplicate(let event):
                (object["result"], object["event_id"]) = (.string("would_be_duplicate"), .string(event))
            case .refused(let why):
                (object["result"], object["reason"]) = (.string("refused"), .string(why))
            }
            return .object(object)
        }
    }

    let pool: PostgresPool
    let configuration: RosterConfiguration

    /// Creates a replayer; `configuration` gives the decoder (size limit, known vendors), the brake
    /// and the planner for dry runs.
    public init(pool: PostgresPool, configuration: RosterConfiguration) {
        self.pool = pool
        self.configuration = configuration
    }

    /// The worker's decoder, from the current configuration.
    var decoder: HREventDecoder {
        HREventDecoder(maximumSize: configuration.ingest.maxMessageBytes, knownVendors: Set(configuration.vendors.keys))
    }

    /// - Parameters:
    ///   - payload: a corrected message value; `nil` re-ingests the message as received.
    /// - Throws: ``OperationsError`` (not found), ``PostgresError``.
    public func replay(_ id: Int64, payload: Data?, dryRun: Bool, by action: OperatorAction) async throws -> Outcome {
        if dryRun { return try await preview(try await DeadLetterReader(pool: pool).deadLetter(id), payload: payload) }
        return try await pool.withTransaction { connection in
            guard
                let letter = try await DeadLetterReader(pool: pool).fetch(
                    ids: [id], filter: .init(limit: 1), on: connection, lock: true
                ).first
            else {
                throw OperationsError.notFound("dead letter \(id) does not exist")
            }
            let target: JSONValue = .object(["dead_letter_id": .int(id), "corrected_payload": .bool(payload != nil)])
            if let refusal = Self.refusal(for: letter) {
                try await action.record(
                    "dlq_replay", jobID: nil, employeeID: nil, target: target, outcome: "refused: \(refusal)",
                    on: connection)
                return Outcome(deadLetterID: id, result: .refused(refusal))
            }
            let batch = IngestBatch(messages: [message(letter, payload: payload)], decoder: decoder)
            if let rejected = batch.rejected.first {
                let reason = "\(rejected.rejection.code): \(rejected.rejection.description)"
                try await connection.execute(
                    """
                    UPDATE dead_letters SET replay_attempts = replay_attempts + 1, replayed_at = now(), replay_outcome = 'rejected',
                           replay_event_id = NULL, replay_job_id = NULL, replay_rejection = \(reason), replay_corrected = \(payload != nil),
                           replay_operator = \(action.name), replay_reason = \(action.reason)
                    WHERE id = \(id)
                    """
                )
                try await action.record(
                    "dlq_replay", jobID: nil, employeeID: nil, target: target, outcome: "rejected: \(reason)",
                    on: connection)
                return Outcome(deadLetterID: id, result: .rejected(reason))
            }
            guard let event = batch.accepted.first?.event else {
                throw OperationsError.refused("dead letter \(id) decoded to nothing")
            }
            if let refusal = try await Self.leaverRefusal(for: event, letter: letter, on: connection) {
                var auditTarget = target
                if case .object(var members) = target {
                    members["event_id"] = .string(event.id)
                    auditTarget = .object(members)
                }
                try await action.record(
                    "dlq_replay", jobID: nil, employeeID: event.employee.id, target: auditTarget,
                    outcome: "refused: \(refusal)", on: connection)
                return Outcome(deadLetterID: id, result: .refused(refusal))
            }
            let stored = try await IngestStore(pool: pool, failpoints: .disabled, brake: configuration.brake).record(
                batch, on: connection)
            let row = try await connection.query("SELECT id, status FROM jobs WHERE event_id = \(event.id)").rows.first
            let jobID = try row?.decode(Int64.self, column: "id")
            let jobStatus = try row?.decode(String.self, column: "status") ?? "none"
            let created = stored.inserted == 1
            let outcome = created ? "job_created" : "duplicate"
            let resolution =
                created
                ? "re-ingested as event \(event.id), job \(jobID.map(String.init) ?? "-") (\(jobStatus))"
                : "event \(event.id) was already in the inbox (job \(jobID.map(String.init) ?? "-")); nothing new"
            try await connection.execute(
                """
                UPDATE dead_letters SET status = 'replayed', resolution = \(resolution), resolved_at = now(),
                       replay_attempts = replay_attempts + 1, replayed_at = now(), replay_outcome = \(outcome),
                       replay_event_id = \(event.id), replay_job_id = \(jobID), replay_rejection = NULL,
                       replay_corrected = \(payload != nil), replay_operator = \(action.name), replay_reason = \(action.reason)
                WHERE id = \(id)
                """
            )
            var auditTarget = target
            if case .object(var members) = target {
                members["event_id"] = .string(event.id)
                auditTarget = .object(members)
            }
            try await action.record(
                "dlq_replay", jobID: jobID, employeeID: event.employee.id, target: auditTarget, outcome: outcome,
                on: connection)
            return Outcome(
                deadLetterID: id,
                result: created
                    ? .jobCreated(eventID: event.id, jobID: jobID ?? 0, jobStatus: jobStatus)
                    : .duplicate(eventID: event.id, jobID: jobID)
            )
        }
    }

    /// What a replay would do, reading only.
    func preview(_ letter: DeadLetterRecord, payload: Data?) async throws -> Outcome {
        if let refusal = Self.refusal(for: letter) {
            return Outcome(deadLetterID: letter.id, result: .refused(refusal))
        }
        let batch = IngestBatch(messages: [message(letter, payload: payload)], decoder: decoder)
        if let rejected = batch.rejected.first {
            return Outcome(
                deadLetterID: letter.id,
                result: .rejected("\(rejected.rejection.code): \(rejected.rejection.description)"))
        }
        guard let event = batch.accepted.first?.event else {
            return Outcome(deadLetterID: letter.id, result: .refused("decoded to nothing"))
        }
        if try await !pool.query("SELECT 1 FROM events WHERE event_id = \(event.id)").rows.isEmpty {
            return Outcome(deadLetterID: letter.id, result: .wouldBeDuplicate(eventID: event.id))
        }
        if let refusal = try await pool.withConnection({
            try await Self.leaverRefusal(for: event, letter: letter, on: $0)
        }) {
            return Outcome(deadLetterID: letter.id, result: .refused(refusal))
        }
        let steps = (try? JobPlanner(configuration: configuration).plan(for: event)) ?? []
        return Outcome(
            deadLetterID: letter.id,
            result: .wouldCreate(
                eventID: event.id, type: event.kind.shortName, employeeID: event.employee.id,
                calls: steps.enumerated().map { PlannedCall(position: $0.offset, step: $0.element) }
            )
        )
    }

    /// Why re-ingesting `event` (the dead letter `letter`) would re-grant a leaver's access, or
    /// `nil`. The dead letter takes its place among the employee's events where it first arrived,
    /// not as a new arrival: by Kafka offset against events of the same partition, else by the time
    /// Roster recorded each (a tie counts the other event as later: the leaver's side), or by
    /// `sequence` when it and the other event both carry one. An onboarding dead-lettered before
    /// the employee's offboarding stays before it. ``LeaverRule`` then decides, as at ingest.
    static func leaverRefusal(
        for event: HREvent, letter: DeadLetterRecord, on connection: PostgresConnection
    ) async throws -> String? {
        guard event.kind != .offboarding else { return nil }
        let rows = try await connection.query(
            """
            SELECT j.event_id, j.type, j.employee_order, j.employee_sequence,
                   CASE WHEN e.topic = \(letter.topic) AND e.partition = \(Int32(letter.partition)) THEN e."offset" < \(letter.offset)
                        ELSE j.created_at < \(letter.createdAt)::timestamptz END AS arrived_before
            FROM jobs j JOIN events e ON e.event_id = j.event_id
            WHERE j.employee_id = \(event.employee.id) AND j.type IN (\(HREvent.Kind.onboarding), \(HREvent.Kind.offboarding)) AND NOT \(fragment: HoldDecision.voided("j"))
            """
        ).rows
        // Arrival numbers doubled, so the dead letter fits just after the last job recorded before it.
        var history: [LeaverRule.Entry] = []
        var arrivedBefore: Int64 = 0
        for row in rows {
            let kind = try row.decode(HREvent.Kind.self, column: "type")
            let arrival = try row.decode(Int64.self, column: "employee_order")
            if try row.decode(Bool.self, column: "arrived_before") { arrivedBefore = max(arrivedBefore, arrival) }
            history.append(
                .init(
                    jobID: nil, eventID: try row.decode(String.self, column: "event_id"), kind: kind,
                    position: EmployeePosition(
                        arrival: arrival * 2, sequence: try row.decode(Int64?.self, column: "employee_sequence")),
                    isUnfinished: false
                ))
        }
        let position = EmployeePosition(arrival: arrivedBefore * 2 + 1, sequence: event.sequence)
        guard
            let refusal = LeaverRule.refusal(kind: event.kind, eventID: event.id, position: position, history: history)
        else { return nil }
        switch refusal.kind {
        case .superseded:
            return
                "employee \(event.employee.id) was offboarded (event \(refusal.offboardingEventID)) after this \(event.kind.shortName) was received; replaying it would re-grant a leaver's access"
        case .changeAfterOffboarding:
            return
                "employee \(event.employee.id) was offboarded (event \(refusal.offboardingEventID)) before this change and not rehired since; replaying it would re-grant a leaver's access: an onboarding after the offboarding is needed to rehire"
        }
    }

    static func refusal(for letter: DeadLetterRecord) -> String? {
        switch letter.status {
        case "replayed":
            "dead letter \(letter.id) was already replayed (\(letter.resolution ?? "see roster dlq show \(letter.id)"))"
        case "discarded": "dead letter \(letter.id) was discarded"
        default: nil
        }
    }

    /// The dead letter as the Kafka message it was; a corrected payload replaces the value (and
    /// drops the key, which was the employee id the uncorrected message claimed).
    func message(_ letter: DeadLetterRecord, payload: Data?) -> KafkaMessage {
        KafkaMessage(
            topic: letter.topic, partition: Int32(letter.partition), offset: letter.offset,
            key: payload == nil ? letter.key : nil, value: payload ?? letter.value
        )
    }
}
