/// Where a job is in its life. The strings are the contract of `roster jobs --output json`.
public enum JobStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case queued
    /// An offboarding created beyond the mass-offboarding brake's limit (``OffboardingBrake``):
    /// never claimed, never finished by itself, and blocking the employee's later jobs until an
    /// operator releases it (`queued`) or cancels it (`cancelled`) with `roster holds`.
    case held
    case running
    case retrying
    case succeeded
    /// Retries exhausted or a non-retryable error.
    case dead
    /// Superseded (e.g. by the same employee's offboarding) or stopped by an operator.
    case cancelled

    /// Whether the job has ended. A `held` job has not: it waits for an operator's decision.
    public var isFinished: Bool {
        switch self {
        case .succeeded, .dead, .cancelled: true
        case .queued, .held, .running, .retrying: false
        }
    }

    /// The statuses of jobs that have not ended (`queued`, `held`, `retrying`, `running`): the ones
    /// that block an employee's later jobs and that an offboarding supersedes or waits for.
    public static let unfinished: [JobStatus] = allCases.filter { !$0.isFinished }
}

/// Claim priority: higher runs first. Leavers go ahead of any joiner backlog.
public enum JobPriority {
    /// The claim priority of a job for an event of `kind`: offboarding 100, changed 20, onboarding 10.
    public static func of(_ kind: HREvent.Kind) -> Int16 {
        switch kind {
        case .offboarding: 100
        case .changed: 20
        case .onboarding: 10
        }
    }
}
