import Foundation
import Logging
import RosterCore
import RosterVendors

/// How a step ends without succeeding: deferred with no vendor call (a vendor this worker lacks,
/// no slot in the budget, an open breaker), retried with backoff, or failed for good.
extension JobRunner {
    /// The plan names a vendor this worker's configuration lacks (a rolling deploy, a vendor added
    /// on some workers only): not the job's fault. It goes back to the queue for a worker that has
    /// the vendor, no attempt spent, and `roster status` shows it waiting.
    func awaitConfiguredWorker(_ persisted: StepRecord, of job: ClaimedJob) async throws -> StepEnd {
        logger.warning("step names a vendor this worker is not configured for; releasing the job for another worker")
        RosterMetrics.current.vendorNotConfigured()
        return try await deferWithoutCall(
            persisted, of: job, started: Date(), delay: Self.unconfiguredVendorDelay,
            why:
                "\(ExecutionError.unconfiguredVendorPrefix) \"\(persisted.step.vendor)\" (worker \(store.workerID) lacks it)"
        )
    }

    /// How long a job waits before a worker claims it again after one that lacks its vendor let go.
    static let unconfiguredVendorDelay: Duration = .seconds(15)

    /// The step made no vendor call: it is pending again, its attempt not counted, and its vendor
    /// waits `delay`.
    func deferWithoutCall(
        _ persisted: StepRecord, of job: ClaimedJob, started: Date, delay: Duration, why: String
    ) async throws -> StepEnd {
        try await StorageInterruption.marking(nil) { try await store.deferStep(persisted.position, of: job) }
        RosterMetrics.current.stepFinished(vendor: persisted.step.vendor, status: "deferred", started: started)
        return .stopped(.waiting(after: delay, reason: why))
    }

    func fail(
        _ persisted: StepRecord, attempt: Int, started: Date, error: any Error, of job: ClaimedJob,
        retry: RetryPolicy
    ) async throws -> StepEnd {
        let step = persisted.step
        let vendorError = error as? VendorError
        if let vendorError, vendorError.code == .rateLimited || vendorError.code == .circuitOpen {
            // No call was made: the budget is taken by leavers, or the vendor's breaker is open.
            // Wait and come back without spending an attempt, so joiners never die of waiting.
            logger.debug("step deferred; no call made", metadata: ["reason": "\(vendorError.code)"])
            return try await deferWithoutCall(
                persisted, of: job, started: started, delay: vendorError.retryAfter ?? .seconds(1),
                why: "\(step.name) at \(step.vendor) waiting: \(vendorError.redactedMessage)"
            )
        }
        let message =
            vendorError.map { $0.redactedMessage.isEmpty ? $0.description : $0.redactedMessage }
            ?? EmailRedaction.redact("\(error)")
        let retryable = vendorError?.isRetryable ?? !(error is ExecutionError)
        let decision = retry.decide(attempt: attempt, retryable: retryable, retryAfter: vendorError?.retryAfter)
        let cause =
            "\(step.name) at \(step.vendor) failed\(vendorError?.status.map { " (HTTP \($0))" } ?? ""): \(message)"
        switch decision {
        case .retry(let delay):
            try await store.finishStep(persisted.position, of: job, status: .pending, outcome: nil, error: cause)
            try await store.recordAttempt(
                attempt, of: persisted.position, startedAt: started, outcome: .retry, failure: vendorError,
                message: message, job: job)
            RosterMetrics.current.stepFinished(vendor: step.vendor, status: "retry", started: started)
            logger.warning(
                "step failed; will retry",
                metadata: ["attempt": "\(attempt)", "delay_ms": "\(delay.milliseconds)", "error": "\(message)"])
            return .stopped(.waiting(after: delay, reason: cause))
        case .giveUp:
            let reason = retryable ? "\(cause) (gave up after \(attempt) attempts)" : cause
            try await store.finishStep(persisted.position, of: job, status: .failed, outcome: nil, error: reason)
            try await store.recordAttempt(
                attempt, of: persisted.position, startedAt: started, outcome: .failed, failure: vendorError,
                message: message, job: job)
            RosterMetrics.current.stepFinished(vendor: step.vendor, status: "failed", started: started)
            logger.error(
                "step failed for good; the other vendors go on",
                metadata: ["attempt": "\(attempt)", "error": "\(message)"])
            return .stopped(.failed(reason: reason))
        }
    }
}
