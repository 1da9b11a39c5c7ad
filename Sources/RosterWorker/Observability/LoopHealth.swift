import Foundation
import Synchronization

/// The worker's own loops report here, and `/readyz` reads it: a worker whose ingest loop cannot
/// poll Kafka (a fatal client error, brokers gone) or whose executor cannot claim jobs is not
/// ready, even when Postgres and a separate Kafka metadata request still answer.
public final class LoopHealth: Sendable {
    /// What readiness concludes for one loop: `ok` or why not.
    public struct Verdict: Sendable, Hashable {
        /// The ingest loop's verdict; `nil` when this worker does not run ingest.
        public var ingest: String?
        /// The executor's verdict; `nil` until the executor has started (or when it does not run).
        public var executor: String?
    }

    private struct State: Sendable {
        var lastPoll: ContinuousClock.Instant?
        var pollFailures = 0
        var lastPollError: String?
        var fatal: String?
        var claimFailures = 0
        var lastClaimError: String?
        var executorRunning = false
    }

    private let state = Mutex(State())
    private let started: ContinuousClock.Instant
    /// Ingest is not ready when its last successful poll is older than this.
    public let staleAfter: Duration
    /// The executor is not ready after this many failed claims in a row.
    public let claimFailureLimit: Int

    /// Starts the staleness clock at `now`: ingest has ``staleAfter`` from then to poll once.
    public init(staleAfter: Duration = .seconds(60), claimFailureLimit: Int = 3, now: ContinuousClock.Instant = .now) {
        self.staleAfter = staleAfter
        self.claimFailureLimit = claimFailureLimit
        self.started = now
    }

    // MARK: - Reports from the loops

    /// A poll returned (with or without messages).
    func pollSucceeded(at now: ContinuousClock.Instant = .now) {
        state.withLock {
            $0.lastPoll = now
            $0.pollFailures = 0
        }
    }

    /// A poll failed; `fatal` when the Kafka client is unusable and only a restart helps.
    func pollFailed(_ error: String, fatal: Bool) {
        state.withLock {
            $0.pollFailures += 1
            $0.lastPollError = error
            if fatal { $0.fatal = error }
        }
    }

    func executorStarted() { state.withLock { $0.executorRunning = true } }

    func claimSucceeded() { state.withLock { $0.claimFailures = 0 } }

    func claimFailed(_ error: String) {
        state.withLock {
            $0.claimFailures += 1
            $0.lastClaimError = error
        }
    }

    // MARK: - Readiness

    /// `nil` for a loop this worker does not run.
    public func verdict(ingestRuns: Bool, now: ContinuousClock.Instant = .now) -> Verdict {
        let s = state.withLock { $0 }
        var verdict = Verdict()
        if ingestRuns {
            if let fatal = s.fatal {
                verdict.ingest = "fatal Kafka client error, restart the worker: \(fatal)"
            } else if now - (s.lastPoll ?? started) > staleAfter {
                let since =
                    s.lastPoll.map { "for \(Self.seconds(now - $0)) s" }
                    ?? "since start (\(Self.seconds(now - started)) s)"
                verdict.ingest =
                    "no successful Kafka poll \(since)\(s.lastPollError.map { "; last error: \($0)" } ?? "")"
            } else {
                verdict.ingest = "ok"
            }
        }
        if s.executorRunning {
            verdict.executor =
                s.claimFailures >= claimFailureLimit
                ? "claiming jobs failed \(s.claimFailures) times in a row; last error: \(s.lastClaimError ?? "unknown")"
                : "ok"
        }
        return verdict
    }

    static func seconds(_ duration: Duration) -> Int { Int(duration.components.seconds) }
}
