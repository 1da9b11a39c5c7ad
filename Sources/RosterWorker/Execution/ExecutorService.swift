import Foundation
import Logging
import RosterCore
import RosterPostgres
import ServiceLifecycle
import Synchronization

/// Claims runnable jobs from Postgres and runs them, at most `concurrency` at a time in this
/// process; any number of processes share the work through `FOR UPDATE SKIP LOCKED`.
///
/// Woken by `LISTEN/NOTIFY` when ingest creates jobs, with a poll every `pollInterval` as the
/// fallback (and for retries coming due). Holds a lease on each running job, renewed by a
/// heartbeat; jobs of a worker that died are resumed by another once the lease runs out.
/// Graceful shutdown stops claiming, lets running steps finish, and requeues the rest.
public struct ExecutorService: Service {
    /// The executor's tuning, from the configuration's `executor:` section.
    public struct Options: Sendable {
        /// The most jobs this process runs at once (`executor.concurrency`).
        public var concurrency: Int
        /// How long a claim holds a job without renewal (`executor.lease_seconds`); the heartbeat
        /// renews it every third of this.
        public var lease: Duration
        /// The longest wait between claim rounds when no `NOTIFY` arrives (`executor.poll_ms`).
        public var pollInterval: Duration

        /// Options with the configuration's defaults: 64 jobs, a 30 s lease, a 1 s poll.
        public init(concurrency: Int = 64, lease: Duration = .seconds(30), pollInterval: Duration = .seconds(1)) {
            self.concurrency = concurrency
            self.lease = lease
            self.pollInterval = pollInterval
        }
    }

    let store: JobStore
    let runner: JobRunner
    let listenerConfiguration: PostgresConfiguration
    let options: Options
    let failpoints: Failpoints
    let health: LoopHealth?
    let logger: Logger

    /// Creates an executor; nothing is claimed before ``run()``.
    ///
    /// - Parameters:
    ///   - pool: The connections for claims, leases, steps and checkpoints.
    ///   - listenerConfiguration: Where to open the dedicated `LISTEN` connection for job wake-ups.
    ///   - workerID: This process's name, written as each claimed job's `lease_owner`.
    ///   - planner: The steps for a job's event, given how many other addresses Roster recorded for
    ///     the employee (used by offboarding only); called once per job, on its first claim.
    ///   - vendors: The configured vendor instances, by name.
    ///   - options: Concurrency, lease and poll interval.
    ///   - failpoints: The `ROSTER_FAILPOINT` crash points tests arm; unset, they do nothing.
    ///   - health: Told of claim successes and failures, for `/readyz`.
    ///   - logger: The executor's logger.
    public init(
        pool: PostgresPool, listenerConfiguration: PostgresConfiguration, workerID: String,
        planner: @escaping @Sendable (HREvent, Int) throws -> [VendorStep], vendors: [String: VendorRuntime],
        options: Options, failpoints: Failpoints, health: LoopHealth? = nil, logger: Logger
    ) {
        self.health = health
        self.store = JobStore(pool: pool, workerID: workerID, lease: options.lease)
        self.runner = JobRunner(
            store: store, planner: planner, vendors: vendors, failpoints: failpoints, logger: logger)
        self.listenerConfiguration = listenerConfiguration
        self.options = options
        self.failpoints = failpoints
        self.logger = logger
    }

    /// Claims and runs jobs until graceful shutdown, then waits for its running jobs to checkpoint
    /// and requeue themselves. Without `LISTEN` it polls only; claim failures are logged and retried.
    public func run() async throws {
        let wake = WakeSignal()
        let running = RunningJobs()
        let listener = try? await PostgresListener.listen(
            channels: [RosterSchema.jobsChannel], configuration: listenerConfiguration, logger: logger)
        if listener == nil { logger.warning("LISTEN unavailable; polling only") }
        logger.info("executor started", metadata: ["concurrency": "\(options.concurrency)"])
        health?.executorStarted()

        await withTaskGroup(of: Void.self) { group in
            // Wake-ups from NOTIFY.
            if let listener {
                group.addTask {
                    for await _ in listener.notifications.cancelOnGracefulShutdown() { wake.signal() }
                }
            }
            // Heartbeat and reaper. A claim the heartbeat finds cancelled or lost is stopped at once:
            // its task is cancelled (also out of a wait for a rate-limit slot) and lets go.
            group.addTask {
                while !Task.isShuttingDownGracefullyOrCancelled {
                    try? await cancelWhenGracefulShutdown { try await Task.sleep(for: options.lease / 3) }
                    if failpoints.isActive(.stopHeartbeat) { continue }
                    let claims = running.claims
                    do {
                        let states = try await store.renew(claims)
                        for (id, state) in states where state != .held {
                            if running.stop(id, because: state) {
                                logger.info(
                                    "job \(state == .cancelled ? "cancelled" : "lost its claim") while running; stopping it",
                                    metadata: ["job.id": "\(id)"])
                            } else {
                                logger.info(
                                    "job cancelled while a vendor call is in flight; stopping after its answer",
                                    metadata: ["job.id": "\(id)"])
                            }
                        }
                        if try await store.reclaimExpired() > 0 { wake.signal() }
                    } catch {
                        logger.warning("lease heartbeat failed", metadata: ["error": "\(error)"])
                    }
                }
            }
            // The claim loop; jobs run as child tasks of this group.
            while !Task.isShuttingDownGracefullyOrCancelled {
                let free = options.concurrency - running.count
                var claimed: [JobClaim] = []
                if free > 0 {
                    do {
                        claimed = try await store.claim(limit: free)
                        health?.claimSucceeded()
                    } catch {
                        health?.claimFailed("\(error)")
                        logger.warning("claiming jobs failed", metadata: ["error": "\(error)"])
                    }
                }
                for claim in claimed {
                    let watch = LeaseWatch()
                    // Its own task, so that the heartbeat can stop this job alone; it inherits the
                    // task-local values (graceful shutdown, logging context) of the group's task.
                    let task = Task { await runner.run(claim, watch: watch) }
                    running.insert(claim.job, watch: watch, task: task)
                    group.addTask {
                        let result = await withTaskCancellationHandler {
                            await task.value
                        } onCancel: {
                            task.cancel()
                        }
                        RosterMetrics.current.jobRun(type: claim.job.kind, status: result.metricsStatus)
                        running.remove(claim.job.id)
                        wake.signal()
                    }
                }
                // A full batch means more may be waiting: go again at once.
                if claimed.count == free, free > 0 { continue }
                await wake.wait(timeout: options.pollInterval)
            }
            listener?.close()
            // Running jobs notice the shutdown between steps and requeue themselves; the heartbeat
            // and listener tasks end with the shutdown.
            await group.waitForAll()
        }
        logger.info("executor stopped")
    }
}

/// The jobs this process is running, for the heartbeat: their claims, and a way to stop each.
final class RunningJobs: Sendable {
    private struct Entry: Sendable {
        var job: ClaimedJob
        var watch: LeaseWatch
        var task: Task<JobRunner.Result, Never>
    }

    private let entries = Mutex<[Int64: Entry]>([:])

    var count: Int { entries.withLock { $0.count } }
    var claims: [ClaimedJob] { entries.withLock { $0.values.map(\.job) } }

    func insert(_ job: ClaimedJob, watch: LeaseWatch, task: Task<JobRunner.Result, Never>) {
        entries.withLock { $0[job.id] = Entry(job: job, watch: watch, task: task) }
    }

    func remove(_ id: Int64) {
        _ = entries.withLock { $0.removeValue(forKey: id) }
    }

    /// Tells the job why, then cancels its task; returns whether it did.
    ///
    /// A job an operator cancelled while one of its vendor mutations is in flight is not cut: the
    /// vendor applies the call whatever the worker does, so the job waits for the answer and
    /// records it (checkpoint and audit row, which a cancelled claim may still write), and its
    /// next mutation's fence stops it. The heartbeat asks again on its next round, when a job
    /// still running with nothing in flight (a wait for a slot, say) is cancelled. A lost claim
    /// is cut at once: its writes are fenced anyway.
    @discardableResult
    func stop(_ id: Int64, because state: JobStore.LeaseState) -> Bool {
        guard let entry = entries.withLock({ $0[id] }) else { return false }
        entry.watch.set(state)
        if state == .cancelled, entry.watch.hasMutationInFlight { return false }
        entry.task.cancel()
        return true
    }
}

/// What the heartbeat last learned of one running job's claim; the job's task reads it when it
/// is cancelled, to tell "stop: cancelled or claim lost" from "stop: the worker shuts down".
final class LeaseWatch: Sendable {
    private let value = Mutex(JobStore.LeaseState.held)
    /// Vendor mutations of the job sent and not yet answered.
    private let inFlight = Atomic<Int>(0)

    var state: JobStore.LeaseState { value.withLock { $0 } }

    func set(_ state: JobStore.LeaseState) {
        value.withLock { $0 = state }
    }

    var hasMutationInFlight: Bool { inFlight.load(ordering: .relaxed) > 0 }

    func mutationSent() { inFlight.wrappingAdd(1, ordering: .relaxed) }

    func mutationAnswered() { inFlight.wrappingSubtract(1, ordering: .relaxed) }
}
