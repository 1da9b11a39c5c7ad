import Foundation
import Synchronization

/// Named points where a test can make the worker die abruptly, as a SIGKILL would.
///
/// `ROSTER_FAILPOINT=after_db_commit` kills the process the first time it passes that point;
/// `ROSTER_FAILPOINT=after_db_commit@3` the third time. Unset, every `hit` is a no-op.
public final class Failpoints: Sendable {
    /// A place in ingest or the executor where a failpoint can be armed; the raw value is its
    /// `ROSTER_FAILPOINT` name.
    public enum Point: String, Sendable, CaseIterable {
        /// After a poll returned messages, before anything is written.
        case afterPoll = "after_poll"
        /// Inside the ingest transaction, after all writes, before COMMIT.
        case inTransaction = "in_transaction"
        /// After the Postgres COMMIT, before the Kafka offset commit.
        case afterDatabaseCommit = "after_db_commit"
        /// Executor: after a vendor call succeeded, before its result is checkpointed.
        case afterVendorCall = "after_vendor_call"
        /// Executor: the lease heartbeat stops renewing (a stalled worker); nothing is killed.
        /// Tests use it to let a running job's lease run out under a live worker.
        case stopHeartbeat = "stop_heartbeat"
    }

    private let armed: (point: Point, onHit: Int)?
    private let hits = Mutex(0)

    /// Arms the point `ROSTER_FAILPOINT` names in `environment` (`point` or `point@n`); an unset,
    /// empty or unknown name arms nothing.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        guard let spec = environment["ROSTER_FAILPOINT"], !spec.isEmpty else {
            armed = nil
            return
        }
        let parts = spec.split(separator: "@", maxSplits: 1)
        guard let point = Point(rawValue: String(parts[0])) else {
            armed = nil
            return
        }
        armed = (point, parts.count > 1 ? max(1, Int(parts[1]) ?? 1) : 1)
    }

    /// No point armed, whatever the environment says.
    public static let disabled = Failpoints(environment: [:])

    /// Whether `point` is armed: for points that change behaviour instead of killing.
    public func isActive(_ point: Point) -> Bool {
        armed?.point == point
    }

    /// Counts a pass through `point` and, if it is the armed point's `n`th pass, kills the
    /// process with `SIGKILL` (after a line on standard error); otherwise does nothing.
    public func hit(_ point: Point) {
        guard let armed, armed.point == point else { return }
        let count = hits.withLock { n in
            n += 1
            return n
        }
        if count == armed.onHit {
            FileHandle.standardError.write(
                Data("roster: failpoint \(point.rawValue) reached, killing the process\n".utf8))
            kill(getpid(), SIGKILL)
        }
    }
}
