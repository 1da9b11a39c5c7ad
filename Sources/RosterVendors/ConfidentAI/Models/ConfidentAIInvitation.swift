/// A pending, accepted or declined invitation to the organization or to a project.
public struct ConfidentAIInvitation: Sendable, Hashable, Decodable, Identifiable {
    /// `PENDING`, `ACCEPTED` or `DECLINED`; kept open so a new status cannot fail decoding.
    public struct Status: RawRepresentable, Sendable, Hashable, Decodable, CustomStringConvertible {
        /// The value as sent on the wire.
        public var rawValue: String

        public init(rawValue: String) {
            self.rawValue = rawValue
        }

        /// Waiting for the invitee.
        public static let pending = Status(rawValue: "PENDING")
        /// The invitee joined.
        public static let accepted = Status(rawValue: "ACCEPTED")
        /// The invitee said no.
        public static let declined = Status(rawValue: "DECLINED")

        public var description: String { rawValue }
    }

    /// The invitation id (an integer on the wire, kept as text for paths).
    public var id: String
    /// The invited address (compare case-insensitively).
    public var email: String
    /// The status; `nil` when omitted, which Roster treats as pending.
    public var status: Status?
    /// The organization role the invitee gets (organization invitations).
    public var organizationRoleID: String?
    /// The project role the invitee gets (project invitations).
    public var projectRoleID: String?
    /// Creation time as sent (ISO 8601).
    public var createdAt: String?

    public init(
        id: String,
        email: String,
        status: Status? = .pending,
        organizationRoleID: String? = nil,
        projectRoleID: String? = nil,
        createdAt: String? = nil
    ) {
        self.id = id
        self.email = email
        self.status = status
        self.organizationRoleID = organizationRoleID
        self.projectRoleID = projectRoleID
        self.createdAt = createdAt
    }

    /// Whether the invitation can still be accepted (and so still grants access).
    public var isPending: Bool { status == nil || status == .pending }

    /// Whether the invitation might still be accepted: anything but `ACCEPTED` or `DECLINED`,
    /// so a status Confident AI adds later is revoked rather than trusted (offboarding).
    public var mayStillBeAccepted: Bool { status != .accepted && status != .declined }

    /// Whether this invitation is for `email`, compared case-insensitively.
    public func hasEmail(_ email: String) -> Bool {
        self.email.lowercased() == email.lowercased()
    }

    enum CodingKeys: String, CodingKey {
        case id, email, status
        case organizationRoleID = "organizationRoleId"
        case projectRoleID = "projectRoleId"
        case createdAt = "created_at"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(LenientID.self, forKey: .id).value
        email = try container.decode(String.self, forKey: .email)
        status = try container.decodeIfPresent(Status.self, forKey: .status)
        organizationRoleID = try container.decodeIfPresent(String.self, forKey: .organizationRoleID)
        projectRoleID = try container.decodeIfPresent(String.self, forKey: .projectRoleID)
        createdAt = try container.decodeIfPresent(String.self, forKey: .createdAt)
    }
}
