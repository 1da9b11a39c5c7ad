import Logging
import RosterCore

extension JobRunner {
    /// A job's plan, or how the job ended before it had one.
    enum Planned: Sendable {
        /// The persisted steps, in plan order.
        case steps([StepRecord])
        /// Released for another worker or no longer ours: nothing ran.
        case ended(Result)
    }

    /// The job's persisted plan, or a new one made from its event and persisted with its first
    /// step started (attempt 1), in one write.
    ///
    /// An event naming a vendor this worker lacks (configuration skew in a rolling deploy) is not
    /// the job's fault: the job goes back for a worker configured with it.
    func plan(of claim: JobClaim, event: HREvent) async throws -> Planned {
        let job = claim.job
        if claim.hasPlan { return .steps(try await store.steps(of: job)) }
        let plan: [VendorStep]
        // A leaver loses every account Roster ever recorded an address for, not only the
        // event's own (someone whose address changed since they were provisioned).
        let others =
            job.kind == .offboarding ? try await store.otherAddresses(of: job, besides: event.employee.email).count : 0
        do {
            if let only = job.vendors, let lacking = only.first(where: { vendors[$0] == nil }) {
                throw PlanningError(code: .unknownVendor, description: "vendor \(lacking) is not configured")
            }
            // A reconciliation job acts at the vendors it names only.
            plan = try planner(event, others).filter { step in job.vendors.map { $0.contains(step.vendor) } ?? true }
        } catch let error as PlanningError where error.code == .unknownVendor {
            logger.warning(
                "event names a vendor this worker is not configured for; releasing the job for another worker")
            RosterMetrics.current.vendorNotConfigured()
            try await store.retry(
                job, after: Self.unconfiguredVendorDelay,
                error:
                    "\(ExecutionError.unconfiguredVendorPrefix) named by the event (worker \(store.workerID) lacks it: \(error.description))"
            )
            return .ended(.retrying)
        } catch {
            throw ExecutionError.planning("cannot plan the job: \(error)")
        }
        guard try await store.savePlan(plan, for: job) else {
            logger.info("job no longer ours or cancelled before its plan was saved; stopping")
            try await store.release(job, requeue: false)
            return .ended(.released)
        }
        return .steps(
            plan.enumerated().map { position, step in
                // No attempt is recorded yet: the running step's number comes from startStep.
                StepRecord(position: position, step: step, status: position == 0 ? .running : .pending, attempts: 0)
            })
    }
}
