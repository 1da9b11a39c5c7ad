/// How far a step got, for a resumed job (`job_steps.recovery_point`).
public enum RecoveryPoint: String, Sendable, Hashable, Codable, CaseIterable {
    /// Started, with nothing learned yet: a resumed step begins from its own lookups.
    case started
    /// Its ``StepState`` holds what it learned (vendor ids, items done): a resumed step goes on from there.
    case checkpointed
    /// Finished: succeeded or skipped.
    case finished
    /// Its last attempt failed.
    case failed
}
