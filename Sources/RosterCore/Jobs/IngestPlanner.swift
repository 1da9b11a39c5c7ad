/// Decides, for the new events of one ingest batch, which jobs to create and which of an
/// employee's unfinished jobs an offboarding ends. Pure: the ingest service reads the employees'
/// history from Postgres, asks the planner, and writes the plan in the same transaction.
///
/// Rules (DESIGN.md, "per-employee order, leaver first"; README, "Order of one employee's events"):
/// - a job's `order` is its arrival among the employee's events (one more than the highest so
///   far); the event's `sequence`, when given, is kept beside it and never mixed with arrival
///   numbers (``EmployeePosition``);
/// - ``LeaverRule`` decides whether an onboarding or change may grant: one that may not is created
///   `cancelled` with the rule's reason and never becomes runnable;
/// - an offboarding ends every unfinished onboarding or change of the employee that the rule no
///   longer lets grant (in Postgres, or earlier in the same batch).
public struct IngestPlanner: Sendable {
    /// What Postgres knows of one employee before this batch.
    public struct History: Sendable, Hashable {
        /// The highest arrival number recorded for the employee.
        public var highestArrival: Int64?
        /// The employee's onboardings and offboardings, and every unfinished change.
        public var entries: [LeaverRule.Entry]

        /// What Postgres holds for one employee; the defaults describe one never seen before.
        public init(highestArrival: Int64? = nil, entries: [LeaverRule.Entry] = []) {
            self.highestArrival = highestArrival
            self.entries = entries
        }
    }

    /// One job to create, one per new event.
    public struct PlannedJob: Sendable, Hashable {
        /// The event the job is for.
        public var eventID: String
        /// The employee the event is about.
        public var employeeID: String
        /// What the event asks for, which decides the job's steps.
        public var kind: HREvent.Kind
        /// Claim priority, higher first (``JobPriority/of(_:)``).
        public var priority: Int16
        /// Arrival order among the employee's events.
        public var order: Int64
        /// The event's `sequence`, if it had one.
        public var sequence: Int64?
        /// `queued`, or `cancelled` when ``LeaverRule`` refuses it; the recorder may then hold a queued
        /// offboarding (`held`).
        public var status: JobStatus
        /// The ``LeaverRule/Refusal`` as text when the job is `cancelled`, else `nil`.
        public var cancelReason: String?
        /// Why the mass-offboarding brake holds it (``OffboardingBrake``); set by the recorder,
        /// never by the planner, which plans every offboarding `queued`.
        public var holdReason: String? = nil
    }

    /// An unfinished job in Postgres that an offboarding of this batch ends.
    public struct Supersession: Sendable, Hashable {
        /// The recorded job the offboarding cancels (`jobs.id`).
        public var jobID: Int64
        /// The employee whose offboarding ends it.
        public var employeeID: String
        /// The `cancel_reason` to store (``LeaverRule/Refusal/description``).
        public var reason: String

        /// A supersession of job `jobID` of `employeeID`, for `reason`.
        public init(jobID: Int64, employeeID: String, reason: String) {
            self.jobID = jobID
            self.employeeID = employeeID
            self.reason = reason
        }
    }

    /// What the batch writes: the jobs to create and the recorded jobs to cancel.
    public struct Plan: Sendable, Hashable {
        /// One job per new event, in the order of the events.
        public var jobs: [PlannedJob] = []
        /// Unfinished jobs already in Postgres that an offboarding of the batch ends.
        public var supersessions: [Supersession] = []
    }

    /// A planner; it holds no state.
    public init() {}

    /// - Parameters:
    ///   - events: the batch's *new* events (duplicates already removed), in arrival order.
    ///   - history: per employee id, what Postgres already holds.
    public func plan(events: [HREvent], history: [String: History]) -> Plan {
        var state = history
        var plan = Plan()
        /// Index in `plan.jobs` of the jobs planned in this batch, by event id.
        var planned: [String: Int] = [:]

        for event in events {
            let employeeID = event.employee.id
            var h = state[employeeID] ?? History()
            let position = EmployeePosition(arrival: (h.highestArrival ?? 0) + 1, sequence: event.sequence)
            h.highestArrival = position.arrival

            var job = PlannedJob(
                eventID: event.id, employeeID: employeeID, kind: event.kind, priority: JobPriority.of(event.kind),
                order: position.arrival, sequence: event.sequence, status: .queued, cancelReason: nil
            )
            if let refusal = LeaverRule.refusal(
                kind: event.kind, eventID: event.id, position: position, history: h.entries)
            {
                job.status = .cancelled
                job.cancelReason = refusal.description
            }
            h.entries.append(
                .init(
                    jobID: nil, eventID: event.id, kind: event.kind, position: position,
                    isUnfinished: job.status == .queued))
            planned[event.id] = plan.jobs.count
            plan.jobs.append(job)

            if event.kind == .offboarding {
                // Every unfinished grant of the employee is judged again, with this offboarding known.
                for (index, entry) in h.entries.enumerated() where entry.isUnfinished && entry.kind != .offboarding {
                    guard
                        let refusal = LeaverRule.refusal(
                            kind: entry.kind, eventID: entry.eventID, position: entry.position, history: h.entries)
                    else { continue }
                    h.entries[index].isUnfinished = false
                    if let jobID = entry.jobID {
                        plan.supersessions.append(
                            Supersession(jobID: jobID, employeeID: employeeID, reason: refusal.description))
                    } else if let index = planned[entry.eventID] {
                        plan.jobs[index].status = .cancelled
                        plan.jobs[index].cancelReason = refusal.description
                    }
                }
            }
            state[employeeID] = h
        }
        return plan
    }
}
