/// A claimed job with what its run needs, read in the claim's own round trip: the event it came
/// from and whether a plan was already persisted (a resumed job), so a fresh job costs no
/// further reads before its first step.
struct JobClaim: Sendable {
    var job: ClaimedJob
    /// The event's payload as stored at ingest; `nil` if the event row is missing.
    var payload: String?
    /// Whether an earlier attempt persisted the job's plan.
    var hasPlan: Bool
}
