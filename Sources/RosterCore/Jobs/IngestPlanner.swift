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

        public init(highestArrival: Int64? = nil, entries: [LeaverRule.Entry] = []) {
            self.highestArrival = highestArrival
            self.entries = entries
        }
    }

    public struct PlannedJob: Sendable, Hashable {
        public var eventID: String
        public var employeeID: String
        public var kind: HREvent.Kind
        public var priority: Int16
        /// Arrival order among the employee's events.
        public var order: Int64
        /// The event's `sequence`, if it had one.
        public var sequence: Int64?
        public var status: JobStatus
        public var cancelReason: String?
        /// Why the mass-offboarding brake holds it (``OffboardingBrake``); set by the recorder,
        /// never by the planner, which plans every offboarding `queued`.
        public var holdReason: String? = nil
    }

    /// An unfinished job in Postgres that an offboarding of this batch ends.
    public struct Supersession: Sendable, Hashable {
        public var jobID: Int64
        public var employeeID: String
        public var reason: String

        public init(jobID: Int64, employeeID: String, reason: String) {
            self.jobID = jobID
            self.employeeID = employeeID
            self.reason = reason
        }
    }

    public struct Plan: Sendable, Hashable {
        public var jobs: [PlannedJob] = []
        public var supersessions: [Supersession] = []
    }

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
            if let refusal = LeaverRule.refusal(kind: event.kind, eventID: event.id, position: position, history: h.entries) {
                job.status = .cancelled
                job.cancelReason = refusal.description
            }
            h.entries.append(.init(jobID: nil, eventID: event.id, kind: event.kind, position: position, isUnfinished: job.status == .queued))
            planned[event.id] = plan.jobs.count
            plan.jobs.append(job)

            if event.kind == .offboarding {
                // Every unfinished grant of the employee is judged again, with this offboarding known.
                for (index, entry) in h.entries.enumerated() where entry.isUnfinished && entry.kind != .offboarding {
                    guard let refusal = LeaverRule.refusal(kind: entry.kind, eventID: entry.eventID, position: entry.position, history: h.entries) else { continue }
                    h.entries[index].isUnfinished = false
                    if let jobID = entry.jobID {
                        plan.supersessions.append(Supersession(jobID: jobID, employeeID: employeeID, reason: refusal.description))
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
