/// An organization membership level: 1 member, 8 admin, 15 owner. Encoded as the number.
public struct PostHogMembershipLevel: RawRepresentable, Sendable, Hashable, Codable, Comparable,
    CustomStringConvertible
{
    /// The number PostHog sends and accepts.
    public var rawValue: Int

    public init(rawValue: Int) {
        self.rawValue = rawValue
    }

    /// 1: a member.
    public static let member = PostHogMembershipLevel(rawValue: 1)
    /// 8: an admin.
    public static let admin = PostHogMembershipLevel(rawValue: 8)
    /// 15: an owner.
    public static let owner = PostHogMembershipLevel(rawValue: 15)

    /// The level a step's role names: `member`, `admin`, `owner` (any case) or `1`, `8`, `15`;
    /// `nil` for anything else.
    public init?(role: String) {
        switch role.lowercased() {
        case "member", "1": self = .member
        case "admin", "8": self = .admin
        case "owner", "15": self = .owner
        default: return nil
        }
    }

    /// The project-level access a private project grants with this organization level: admin
    /// for admins and owners, member otherwise.
    public var projectLevel: PostHogProjectAccessLevel { self >= .admin ? .admin : .member }

    public var description: String {
        switch self {
        case .member: "member"
        case .admin: "admin"
        case .owner: "owner"
        default: "level \(rawValue)"
        }
    }

    public static func < (lhs: PostHogMembershipLevel, rhs: PostHogMembershipLevel) -> Bool {
        lhs.rawValue < rhs.rawValue
    }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(Int.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
