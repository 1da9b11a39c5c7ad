/// The body of `POST /invites/` and one item of `POST /invites/bulk/`. `nil` fields are not sent,
/// so PostHog's defaults apply (`send_email: true`, `combine_pending_invites: false`).
public struct PostHogInviteRequest: Sendable, Hashable, Encodable {
    /// The address to invite.
    public var targetEmail: String
    /// The organization level granted on acceptance.
    public var level: PostHogMembershipLevel
    /// The first name for the invitation email.
    public var firstName: String?
    /// A message for the invitation email.
    public var message: String?
    /// Private projects joined on acceptance.
    public var privateProjectAccess: [PostHogInvite.ProjectAccess]?
    /// Whether PostHog emails the invitation (its default is `true`).
    public var sendEmail: Bool?
    /// Whether PostHog merges this with the address's pending invites (highest level, all
    /// access) instead of replacing them (its default is `false`).
    public var combinePendingInvites: Bool?

    public init(
        targetEmail: String,
        level: PostHogMembershipLevel,
        firstName: String? = nil,
        message: String? = nil,
        privateProjectAccess: [PostHogInvite.ProjectAccess]? = nil,
        sendEmail: Bool? = nil,
        combinePendingInvites: Bool? = nil
    ) {
        self.targetEmail = targetEmail
        self.level = level
        self.firstName = firstName
        self.message = message
        self.privateProjectAccess = privateProjectAccess
        self.sendEmail = sendEmail
        self.combinePendingInvites = combinePendingInvites
    }

    enum CodingKeys: String, CodingKey {
        case level, message
        case targetEmail = "target_email"
        case firstName = "first_name"
        case privateProjectAccess = "private_project_access"
        case sendEmail = "send_email"
        case combinePendingInvites = "combine_pending_invites"
    }
}
