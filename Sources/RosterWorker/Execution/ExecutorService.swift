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
    public struct Options: Sendable {
        public var concurrency: Int
        public var lease: Duration
        public var pollInterval: Duration

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
    let logger: Logger

    public init(
        pool: PostgresPool, listenerConfiguration: PostgresConfiguration, workerID: String,
        planner: @escaping @Sendable (HREvent) throws -> [VendorStep], vendors: [String: VendorRuntime],
        options: Options, failpoints: Failpoints, logger: Logger
    ) {
        self.store = JobStore(pool: pool, workerID: workerID, lease: options.lease)
        self.runner = JobRunner(store: store, planner: planner, vendors: vendors, failpoints: failpoints, logger: logger)
        self.listenerConfiguration = listenerConfiguration
        self.options = options
        self.logger = logger
    }

    public func run() async throws {
        let wake = WakeSignal()
        let running = RunningJobs()
        let listener = try? await PostgresListener.listen(channels: [RosterSchema.jobsChannel], configuration: listenerConfiguration, logger: logger)
        if listener == nil { logger.warning("LISTEN unavailable; polling only") }
        logger.info("executor started", metadata: ["concurrency": "\(options.concurrency)"])

        await withTaskGroup(of: Void.self) { group in
            // Wake-ups from NOTIFY.
            if let listener {
                group.addTask {
                    for await _ in listener.notifications.cancelOnGracefulShutdown() { wake.signal() }
                }
            }
            // Heartbeat and reaper.
            group.addTask {
                while !Task.isShuttingDownGracefullyOrCancelled {
                    try? await cancelWhenGracefulShutdown { try await Task.sleep(for: options.lease / 3) }
                    let ids = running.ids.withLock { Array($0) }
                    do {
                        _ = try await store.renew(ids)
                        if try await store.reclaimExpired() > 0 { wake.signal() }
                    } catch {
                        logger.warning("lease heartbeat failed", metadata: ["error": "\(error)"])
                    }
                }
            }
            // The claim loop; jobs run as child tasks of this group.
            while !Task.isShuttingDownGracefullyOrCancelled {
                let free = options.concurrency - running.ids.withLock { $0.count }
                var claimed: [JobClaim] = []
                if free > 0 {
                    do {
                        claimed = try await store.claim(limit: free)
                    } catch {
                        logger.warning("claiming jobs failed", metadata: ["error": "\(error)"])
                    }
                }
                for claim in claimed {
                    running.ids.withLock { _ = $0.insert(claim.job.id) }
                    group.addTask {
                        let result = await runner.run(claim)
                        RosterMetrics.current.jobRun(type: claim.job.kind, status: result.metricsStatus)
                        running.ids.withLock { _ = $0.remove(claim.job.id) }
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

/// The ids of the jobs this process is running, for the heartbeat.
final class RunningJobs: Sendable {
    let ids = Mutex<Set<Int64>>([])
}
