/// A kind of difference between what HR says and what a vendor holds. The raw values are the
/// contract of `roster reconcile --output json`, the findings table and the metric label.
public enum Situation: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// A membership, invite or key of an offboarded employee. Critical: revoked at once.
    case leaverHasAccess = "leaver_has_access"
    /// A known employee lacks a grant their latest event asks for.
    case missingGrant = "missing_grant"
    /// A known employee is in the project with another role than asked.
    case wrongRole = "wrong_role"
    /// A known employee is in a project Roster manages that their latest event does not ask for.
    case extraGrant = "extra_grant"
    /// An account nobody Roster knows holds: reported, never removed automatically.
    case unknownAccount = "unknown_account"
    /// An invite pending longer than the vendor keeps invites valid.
    case staleInvite = "stale_invite"

    /// The raw value, e.g. `leaver_has_access`.
    public var description: String { rawValue }

    /// Whether a person must look at it now.
    public var isCritical: Bool { self == .leaverHasAccess }
}

/// What Roster does about a finding.
public enum Reaction: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// Recorded and reported only.
    case report
    /// A job that makes the vendor match: an offboarding at that vendor for a leaver (leaver
    /// priority), a change at that vendor for a drifted grant.
    case fix

    /// The raw value: `report` or `fix`.
    public var description: String { rawValue }
}
