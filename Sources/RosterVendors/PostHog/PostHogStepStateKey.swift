import RosterCore

/// What PostHog steps remember beyond the keys every connector uses (``StepStateKey/projectID``,
/// ``StepStateKey/inviteID``, ``StepStateKey/deletedInvites``). The raw values are what earlier
/// releases stored.
extension StepStateKey {
    /// The person's user UUID (member URLs use it, not the membership id).
    static let userUUID = StepStateKey(rawValue: "user_uuid")
    /// Accounts (user UUIDs) the step removed from the organization, or found gone.
    static let removedMembers = StepStateKey(rawValue: "removed_members")
    /// `"true"` once every account with the address was removed.
    static let memberRemoved = StepStateKey(rawValue: "member_removed")

    /// How the project under this key is private (`project_id.private`, a
    /// ``PostHogProjectPrivacy`` raw value).
    var privacy: StepStateKey { StepStateKey(rawValue: "\(rawValue).private") }
}
