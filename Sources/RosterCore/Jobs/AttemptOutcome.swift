/// How one attempt at a step ended (`step_attempts.outcome`).
public enum AttemptOutcome: String, Sendable, Hashable, Codable, CaseIterable {
    /// The step's calls answered as the plan wanted.
    case succeeded
    /// It failed in a way worth another try; the step waits and runs again.
    case retry
    /// It failed for good (not retryable, or out of attempts).
    case failed
    /// The job was cancelled while the attempt's call was in flight.
    case cancelled
}
