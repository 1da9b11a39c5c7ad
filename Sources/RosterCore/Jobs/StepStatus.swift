/// Where one step of a job's plan is (`job_steps.status`).
public enum StepStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// Not started yet, or put back to run again (a retry or a replay).
    case pending
    /// A worker holding the job's lease is running it.
    case running
    /// Done: its vendor calls answered as the plan wanted.
    case succeeded
    /// Stopped for good; the job is dead or cancelled.
    case failed
    /// Not needed (nothing to do at the vendor, or its vendor's chain stopped earlier).
    case skipped

    /// Whether a resumed job or a replay leaves the step alone (`succeeded` or `skipped`).
    public var isDone: Bool { self == .succeeded || self == .skipped }
}
