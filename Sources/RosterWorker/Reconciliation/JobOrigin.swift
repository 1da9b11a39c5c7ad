/// Who asked for a job (`jobs.origin`): an HR event, or reconciliation acting on a finding.
public enum JobOrigin: String, Sendable, Hashable, Codable, CaseIterable {
    /// An HR event ingested from Kafka.
    case hr
    /// A reconciliation finding: a revocation or a change at one vendor, with an event of its own.
    case reconcile

    /// The `source` of the events reconciliation records for its jobs.
    public static let reconcileSource = "roster:reconcile"
}
