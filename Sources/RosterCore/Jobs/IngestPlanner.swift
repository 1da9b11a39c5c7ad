/// Decides, for the new events of one ingest batch, which jobs to create and which of an
/// employee's unfinished jobs an offboarding supersedes. Pure: the ingest service reads the
/// employees' history from Postgres, asks the planner, and writes the plan in the same transaction.
///
/// Rules (DESIGN.md, "per-employee order, leaver first"):
/// - one employee's jobs carry the event order: `sequence` when given, else one more than the
///   highest order seen for that employee (arrival order);
/// - an offboarding supersedes that employee's onboarding and changed jobs ordered at or before it
///   that have not finished; they become `cancelled` with "superseded by offboarding <event id>";
/// - an onboarding or change ordered at or before an offboarding already known for that employee
///   (older `sequence`) is created `cancelled` and never becomes runnable.
public struct IngestPlanner: Sendable {
    /// What Postgres knows of one employee before this batch.
    public struct History: Sendable, Hashable {
        public var highestOrder: Int64?
        public var latestOffboarding: (order: Int64, eventID: String)?

        public init(highestOrder: Int64? = nil, latestOffboarding: (order: Int64, eventID: String)? = nil) {
            self.highestOrder = highestOrder
            self.latestOffboarding = latestOffboarding
        }

        public static func == (lhs: History, rhs: History) -> Bool {
            lhs.highestOrder == rhs.highestOrder && lhs.latestOffboarding?.order == rhs.latestOffboarding?.order
                && lhs.latestOffboarding?.eventID == rhs.latestOffboarding?.eventID
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(highestOrder)
            hasher.combine(latestOffboarding?.order)
            hasher.combine(latestOffboarding?.eventID)
        }
    }

    public struct PlannedJob: Sendable, Hashable {
        public var eventID: String
        public var employeeID: String
        public var kind: HREvent.Kind
        public var priority: Int16
        public var order: Int64
        public var status: JobStatus
        public var cancelReason: String?
    }

    /// Cancel `employeeID`'s unfinished onboarding/changed jobs with order ≤ `throughOrder`.
    public struct Supersession: Sendable, Hashable {
        public var employeeID: String
        public var throughOrder: Int64
        public var offboardingEventID: String

        public init(employeeID: String, throughOrder: Int64, offboardingEventID: String) {
            self.employeeID = employeeID
            self.throughOrder = throughOrder
            self.offboardingEventID = offboardingEventID
        }

        public var reason: String { "superseded by offboarding \(offboardingEventID)" }
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
        var jobIndexByEmployee: [String: [Int]] = [:]

        for event in events {
            let employeeID = event.employee.id
            var h = state[employeeID] ?? History()
            let order = event.sequence ?? ((h.highestOrder ?? 0) + 1)
            h.highestOrder = max(h.highestOrder ?? order, order)

            var job = PlannedJob(
                eventID: event.id, employeeID: employeeID, kind: event.kind,
                priority: JobPriority.of(event.kind), order: order, status: .queued, cancelReason: nil
            )
            switch event.kind {
            case .offboarding:
                let supersession = Supersession(employeeID: employeeID, throughOrder: order, offboardingEventID: event.id)
                plan.supersessions.append(supersession)
                // Jobs planned earlier in this batch are not in Postgres yet: supersede them here.
                for index in jobIndexByEmployee[employeeID, default: []] where plan.jobs[index].kind != .offboarding
                    && plan.jobs[index].order <= order && plan.jobs[index].status == .queued
                {
                    plan.jobs[index].status = .cancelled
                    plan.jobs[index].cancelReason = supersession.reason
                }
                if h.latestOffboarding.map({ order >= $0.order }) ?? true {
                    h.latestOffboarding = (order, event.id)
                }
            case .onboarding, .changed:
                if let leaver = h.latestOffboarding, order <= leaver.order {
                    job.status = .cancelled
                    job.cancelReason = "superseded by offboarding \(leaver.eventID)"
                }
            }
            jobIndexByEmployee[employeeID, default: []].append(plan.jobs.count)
            plan.jobs.append(job)
            state[employeeID] = h
        }
        return plan
    }
}
