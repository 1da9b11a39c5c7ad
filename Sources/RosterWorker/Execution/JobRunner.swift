import Foundation
import Logging
import RosterCore
import RosterVendors
import ServiceLifecycle
import Synchronization

/// Runs one claimed job: loads (or makes and persists) its plan, then runs each unfinished step
/// from its recovery point, checking before each step — and, through the step's
/// ``MutationFence``, before every vendor mutation — that the job is still ours and still
/// wanted. Failures are classified: retryable vendor failures requeue the job with backoff (or
/// the vendor's `Retry-After`), the rest — and exhausted retries — make it `dead` with a readable
/// cause. Storage errors are not vendor failures: they never spend a vendor attempt and never
/// make a job dead; the job is resumed after a pause. A job whose claim is gone (cancelled, or
/// taken over) lets go at once, with no further vendor call and no further write.
struct JobRunner: Sendable {
    let store: JobStore
    /// The plan of an event, given how many other addresses Roster recorded for the employee.
    let planner: @Sendable (HREvent, Int) throws -> [VendorStep]
    let vendors: [String: VendorRuntime]
    let failpoints: Failpoints
    let logger: Logger

    enum Result: Sendable, Equatable {
        case succeeded
        case retrying
        case dead
        /// Cancelled (superseded or by an operator) or the lease was lost: we just let go.
        case released

        /// The `status` label of ``RosterMetrics/Name/jobRuns``.
        var metricsStatus: String {
            switch self {
            case .succeeded: "succeeded"
            case .retrying: "retrying"
            case .dead: "dead"
            case .released: "released"
            }
        }
    }

    func run(_ claim: JobClaim, watch: LeaseWatch = LeaseWatch()) async -> Result {
        await RosterLogging.withContext(["job.id": "\(claim.job.id)", "event.id": "\(claim.job.eventID)"]) {
            await runJob(claim, watch: watch)
        }
    }

    private func runJob(_ claim: JobClaim, watch: LeaseWatch) async -> Result {
        do {
            return try await runSteps(of: claim, watch: watch)
        } catch {
            return await settle(claim.job, after: error, watch: watch)
        }
    }

    /// Runs the job's unfinished steps in plan order. One vendor's stop skips its own later
    /// steps, never another vendor's; the job ends by ``end(_:chains:)`` when any stopped.
    private func runSteps(of claim: JobClaim, watch: LeaseWatch) async throws -> Result {
        let job = claim.job
        let event = try store.event(of: claim)
        let steps: [StepRecord]
        switch try await plan(of: claim, event: event) {
        case .steps(let planned): steps = planned
        case .ended(let result): return result
        }
        let unfinished = steps.filter { $0.status != .succeeded && $0.status != .skipped }
        if unfinished.isEmpty { try await store.succeed(job) }
        var chains = VendorChains(plan: steps.map(\.step.vendor))
        var otherAddresses: [String]?
        var personTouched: PersonTouched?
        for step in unfinished where step.status == .failed {
            chains.stop(
                step.step.vendor, .failed(reason: step.lastError ?? "\(step.step.name) failed in an earlier run"))
        }
        for (index, step) in unfinished.enumerated() {
            guard !Task.isShuttingDownGracefullyOrCancelled else {
                // A first step started with its plan made no call yet: it does not count.
                if !claim.hasPlan, step.position == 0 { try await store.deferStep(0, of: job) }
                try await store.release(job, requeue: true)
                return .released
            }
            guard !chains.isStopped(step.step.vendor) else { continue }
            let attempt: Int
            if !claim.hasPlan, step.position == 0 {
                attempt = 1  // started with the plan
            } else if let started = try await store.startStep(step, of: job) {
                attempt = started
            } else {
                logger.info("job no longer ours or cancelled; stopping", metadata: ["step": "\(step.step.name)"])
                await letGo(job)
                return .released
            }
            let finishesJob = index == unfinished.count - 1 && chains.isClear
            let subject = try await self.subject(of: step, event: event, job: job, addresses: &otherAddresses)
            let freshness = try await self.freshness(of: step, attempt: attempt, job: job, touched: &personTouched)
            switch try await run(
                step, attempt: attempt, finishesJob: finishesJob, freshness: freshness, of: job, event: subject,
                watch: watch)
            {
            case .succeeded: continue
            case .released: return .released
            case .stopped(let stop): chains.stop(step.step.vendor, stop)
            }
        }
        if !chains.isClear {
            return try await end(job, chains: chains)
        }
        if job.kind == .offboarding { RosterMetrics.current.offboardingSucceeded(eventTime: event.time) }
        logger.info("job succeeded", metadata: ["job.type": "\(job.kind.shortName)", "steps": "\(steps.count)"])
        return .succeeded
    }

    /// The event as the step must see it: for a step acting on another recorded address of the
    /// employee (``VendorStep/address``), that address instead of the event's own. The addresses
    /// are read once per job, when a step first needs them.
    private func subject(
        of step: StepRecord, event: HREvent, job: ClaimedJob, addresses: inout [String]?
    ) async throws -> HREvent {
        guard let index = step.step.address else { return event }
        if addresses == nil { addresses = try await store.otherAddresses(of: job, besides: event.employee.email) }
        guard let address = addresses?[safe: index] else {
            throw ExecutionError.planning(
                "the plan names recorded address #\(index + 1) of the employee, which Roster no longer holds")
        }
        var subject = event
        subject.employee.email = address
        return subject
    }

    /// How fresh the vendor's directory listings must be for this step.
    ///
    /// Other jobs of the employee, and steps of this job that another process finished at this
    /// vendor, touched the person: listings must be newer. Other vendors' steps did not (each
    /// vendor has its own directory), nor did this process's own (its directory saw them): a job
    /// re-claimed after waiting for a budget lists nothing anew for that (`ops/bench/run mixed`
    /// once made 2,423 Confident AI project listings so). Read once per job, when first needed.
    private func freshness(
        of step: StepRecord, attempt: Int, job: ClaimedJob, touched: inout PersonTouched?
    ) async throws -> DirectoryFreshness {
        guard let connector = vendors[step.step.vendor]?.connector, connector.usesDirectory else { return .any }
        if touched == nil { touched = try await store.personTouched(job) }
        return .forStep(
            isRevocation: step.step.action.isRevocation, attempt: attempt, startedAt: Date(),
            personTouchedAt: touched?.at(vendor: step.step.vendor)
        )
    }

    /// What a job ends as when running it threw: let go when it is no longer ours, dead when it
    /// cannot run, and resumed after a pause on storage trouble.
    private func settle(_ job: ClaimedJob, after error: any Error, watch: LeaseWatch) async -> Result {
        switch error {
        case let error as FenceError where error.jobID == job.id:
            logger.info("job no longer ours or cancelled; letting go", metadata: ["reason": "\(error.code.rawValue)"])
            await letGo(job)
            return .released
        case is CancellationError where watch.state != .held:
            logger.info("job stopped by the heartbeat; letting go", metadata: ["reason": "\(watch.state)"])
            await letGo(job)
            return .released
        case let error as ExecutionError:
            logger.error("job cannot run", metadata: ["error": "\(error)"])
            try? await store.kill(job, cause: error.description)
            return .dead
        case is DecodingError:
            let cause = "the job's stored plan or step state cannot be read; see the worker log"
            logger.error("job cannot run", metadata: ["error": "\(cause)"])
            try? await store.kill(job, cause: cause)
            return .dead
        default:
            // Postgres trouble while bookkeeping: come back after a pause, with no vendor attempt
            // spent (if even these writes fail, the lease runs out and another worker resumes the
            // job). Never `dead`: storage has its own backoff, not the vendor's retry budget.
            let storage = (error as? StorageInterruption)?.underlying ?? error
            let delay = Backoff.fullJitter(attempt: min(job.attempts, 6), base: .milliseconds(500), cap: .seconds(30))
            logger.warning(
                "job interrupted by a storage error; it will be resumed",
                metadata: ["error": "\(storage)", "delay_ms": "\(delay.microseconds / 1000)"])
            if let step = (error as? StorageInterruption)?.position { try? await store.deferStep(step, of: job) }
            try? await store.retry(job, after: delay, error: "interrupted by a storage error; resuming")
            RosterMetrics.current.storageInterruption()
            return .released
        }
    }

    /// Releases the lease of a job that is no longer ours to run, so that the employee's next job
    /// (the offboarding that cancelled it) may start at once. In a task of its own: this job's task
    /// may have been cancelled by the heartbeat, and a cancelled task's queries are refused.
    private func letGo(_ job: ClaimedJob) async {
        let store = self.store
        await Task { try? await store.release(job, requeue: false) }.value
    }

    /// How one step's run ended.
    enum StepEnd: Sendable {
        /// Done (when `finishesJob`, the job's success is recorded with it).
        case succeeded
        /// The vendor's chain stops for this run; the other vendors go on.
        case stopped(VendorChains.Stop)
        /// The job is no longer run by this worker (shutdown): stop everything.
        case released
    }

    /// Ends a run in which some vendor's chain stopped: retried while a vendor waits, else dead —
    /// either way with every vendor's outcome as the job's error.
    private func end(_ job: ClaimedJob, chains: VendorChains) async throws -> Result {
        if let delay = chains.retryAfter {
            try await store.retry(job, after: delay, error: chains.summary)
            logger.info("job waits for some vendors; the others went on", metadata: ["outcome": "\(chains.summary)"])
            return .retrying
        }
        try await store.kill(job, cause: chains.summary)
        for (vendor, stop) in chains.stops {
            if case .failed = stop { RosterMetrics.current.vendorChainFailed(vendor: vendor) }
        }
        logger.error("job is dead", metadata: ["outcome": "\(chains.summary)"])
        return .dead
    }

    /// Runs one step, started as attempt `attempt`.
    private func run(
        _ persisted: StepRecord, attempt: Int, finishesJob: Bool, freshness: DirectoryFreshness, of job: ClaimedJob,
        event: HREvent, watch: LeaseWatch
    ) async throws -> StepEnd {
        let store = self.store
        let mutations = MutationsSent()
        let fence = MutationFence(
            { try await store.checkFence(job) },
            sent: {
                mutations.note()
                watch.mutationSent()
            },
            answered: { watch.mutationAnswered() }
        )
        return try await RosterLogging.withContext([
            "vendor": "\(persisted.step.vendor)", "step": "\(persisted.step.name)",
        ]) {
            try await MutationFence.$current.withValue(fence) {
                try await runStep(
                    persisted, attempt: attempt, finishesJob: finishesJob, freshness: freshness, mutations: mutations,
                    of: job, event: event, watch: watch)
            }
        }
    }

    private func runStep(
        _ persisted: StepRecord, attempt: Int, finishesJob: Bool, freshness: DirectoryFreshness,
        mutations: MutationsSent, of job: ClaimedJob, event: HREvent, watch: LeaseWatch
    ) async throws -> StepEnd {
        let step = persisted.step
        guard let vendor = vendors[step.vendor] else {
            return try await awaitConfiguredWorker(persisted, of: job)
        }
        let started = Date()
        let store = self.store
        let failpoints = self.failpoints
        let position = persisted.position
        let context = StepContext(
            transport: vendor.transport, state: persisted.state, logger: logger, freshness: freshness,
            checkpoint: { state in
                // A vendor mutation just succeeded and is not yet recorded: the crash window that
                // look-before-act and recovery points exist for.
                failpoints.hit(.afterVendorCall)
                try await StorageInterruption.marking(position) {
                    try await store.checkpoint(state, step: position, of: job)
                }
            },
            audit: { record in
                try await StorageInterruption.marking(position) {
                    try await store.audit(record, vendor: step.vendor, job: job)
                }
            }
        )
        let outcome: StepOutcome
        do {
            let priority: CallPriority = job.kind == .offboarding ? .revocation : .provisioning
            outcome = try await CallPriority.$current.withValue(priority) {
                // Steps that may create projects go one at a time per vendor: look-before-create
                // is only safe when nobody else is between the look and the create. Every granting
                // step may create one (ensure_access too, when its project step learned nothing).
                if vendor.connector.mayCreateProjects, !step.action.isRevocation {
                    let connector = vendor.connector
                    let stillNeeded = { connector.needsProjectCreationLock(for: step) }
                    return try await store.withResourceLock(
                        "create-projects:\(step.vendor)", job: job, while: stillNeeded
                    ) {
                        try await vendor.connector.run(step, for: event.employee, context: context)
                    }
                }
                return try await vendor.connector.run(step, for: event.employee, context: context)
            }
        } catch let error as FenceError where error.jobID == job.id {
            throw error
        } catch let error as FenceError {
            // Another job of a shared batch call lost its claim: no call was made for this one.
            return try await deferWithoutCall(
                persisted, of: job, started: started, delay: .milliseconds(200),
                why: "\(step.name) at \(step.vendor) waiting: a batch call was withdrawn (\(error.code.rawValue))")
        } catch let error as StorageInterruption {
            throw error
        } catch let wait as AwaitingAcceptance {
            // The employee has yet to accept the vendor's invitation: the vendor looks again later,
            // holding no worker or rate-limit slot meanwhile; the other vendors go on.
            return try await deferWithoutCall(
                persisted, of: job, started: started, delay: wait.retryAfter, why: wait.reason)
        } catch is CancellationError where watch.state != .held {
            throw CancellationError()
        } catch is CancellationError {
            // Shutting down: the step was waiting (a rate-limit slot, a pause, a lock) or its call
            // was cut. It is pending again and the job is released for the next worker at once.
            // A step that only waited gets its attempt back; one that sent a request that may
            // change something keeps it: the cut call may have reached the vendor, so the next
            // run of the step is a resumed one and reads new listings (``DirectoryFreshness``).
            let mayHaveMutated = mutations.count > 0
            try await store.deferStep(persisted.position, of: job, givingBackAttempt: !mayHaveMutated)
            let message =
                mayHaveMutated
                ? "interrupted by shutdown; a call may have been cut"
                : "interrupted by shutdown while waiting; attempt not counted"
            try await store.recordAttempt(
                attempt, of: persisted.position, startedAt: started, outcome: .cancelled, message: message, job: job)
            RosterMetrics.current.stepFinished(vendor: step.vendor, status: "cancelled", started: started)
            try await store.release(job, requeue: true)
            return .released
        } catch {
            return try await fail(
                persisted, attempt: attempt, started: started, error: error, of: job, retry: vendor.retry)
        }
        // Recording the success is bookkeeping: a failure here is a storage error, not the vendor's.
        try await StorageInterruption.marking(persisted.position) {
            try await store.stepSucceeded(
                persisted.position, attempt: attempt, startedAt: started, outcome: outcome, finishesJob: finishesJob,
                of: job)
        }
        RosterMetrics.current.stepFinished(vendor: step.vendor, status: "succeeded", started: started)
        if let residual = outcome.residual {
            logger.notice("step left residual access", metadata: ["residual": "\(residual)"])
        }
        return .succeeded
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}

extension Task where Success == Never, Failure == Never {
    static var isShuttingDownGracefullyOrCancelled: Bool {
        Task.isCancelled || Task.isShuttingDownGracefully
    }
}

/// How many requests that may change something a step sent (its ``MutationFence`` passed): a step
/// cut by shutdown after one keeps its attempt.
private final class MutationsSent: Sendable {
    private let sent = Atomic<Int>(0)

    func note() { sent.wrappingAdd(1, ordering: .relaxed) }

    var count: Int { sent.load(ordering: .relaxed) }
}
