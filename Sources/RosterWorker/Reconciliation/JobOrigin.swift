/// Who asked for a job (`jobs.origin`): an HR event, or reconciliation acting on a finding.
public enum JobOrigin: String, Sendable, Hashable, Codable, CaseIterable {
    case hr
    case reconcile

    /// The `source` of the events reconciliation records for its jobs.
    public static let reconcileSource = "roster:reconcile"
}
