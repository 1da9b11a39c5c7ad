/// A project access level: `"none"`, `"member"` or `"admin"`, as PostHog's access-control
/// records and invites' `private_project_access[].level` carry it (PostHog/posthog
/// `posthog/rbac/user_access_control.py`, `ACCESS_CONTROL_LEVELS_MEMBER`;
/// `posthog/models/organization_invite.py`, `validate_private_project_access`).
///
/// Encoded as the name. Decoded from the name or from the numbers invites stored before
/// access-control records (`ExplicitTeamMembership` levels: 1 member, 8 admin), so an old
/// record reads the same as a new one. PostHog refuses numbers on new invites.
public struct PostHogProjectAccessLevel: RawRepresentable, Sendable, Hashable, Codable, Comparable,
    CustomStringConvertible
{
    /// The name PostHog sends and accepts.
    public var rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// No access (on a project-wide record: the project is private).
    public static let none = PostHogProjectAccessLevel(rawValue: "none")
    /// Project member.
    public static let member = PostHogProjectAccessLevel(rawValue: "member")
    /// Project admin.
    public static let admin = PostHogProjectAccessLevel(rawValue: "admin")

    /// The level an old numeric record meant: 8 and above admin, else member.
    public init(legacyNumber: Int) {
        self = legacyNumber >= 8 ? .admin : .member
    }

    public var description: String { rawValue }

    /// Rank for comparisons: none < member < admin; an unknown name ranks as none.
    private var rank: Int {
        switch rawValue {
        case "admin": 2
        case "member": 1
        default: 0
        }
    }

    public static func < (lhs: PostHogProjectAccessLevel, rhs: PostHogProjectAccessLevel) -> Bool {
        lhs.rank < rhs.rank
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int.self) {
            self.init(legacyNumber: number)
        } else {
            self.init(rawValue: try container.decode(String.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
