/// A pending invite to the project named in the request's `Authorization` header
/// (`POST /auth/invite/list`).
///
/// The listing documents `_id` (required), `email`, `user_id`, `project`, `permissions` and
/// delivery fields; deletion (`POST /auth/invite/delete`) takes `invite_code`, which creation
/// returns. Whether `_id` *is* the invite code is not documented [U] (vendor OpenAPI,
/// `ListProjectInvitesOutput` and `DeleteProjectInviteInput`): Roster deletes with ``code``
/// (`invite_code` when a listing carries it, else `_id`) and believes a deletion only when a
/// fresh listing no longer shows the invite.
public struct RelevanceAIInvite: Sendable, Hashable, Decodable {
    /// The listed `_id`.
    public var id: String
    /// The listed `invite_code`, when the listing carries one (undocumented).
    public var inviteCode: String?
    /// The invited address (compare case-insensitively); empty when the listing has none (an
    /// invite made by `user_id`).
    public var email: String
    /// The user, when the address belongs to a known user.
    public var userID: String?
    /// The project the invite is for.
    public var project: String?
    /// The permissions the invite grants.
    public var permissions: RelevanceAIPermissions?
    /// The delivery status of the invitation email, as sent.
    public var emailStatus: String?

    public init(
        id: String,
        inviteCode: String? = nil,
        email: String,
        userID: String? = nil,
        project: String? = nil,
        permissions: RelevanceAIPermissions? = nil
    ) {
        self.id = id
        self.inviteCode = inviteCode
        self.email = email
        self.userID = userID
        self.project = project
        self.permissions = permissions
    }

    /// What Roster sends as `invite_code` to delete it: `invite_code` when listed, else `_id`.
    public var code: String { inviteCode ?? id }

    /// Whether this invite is for `email`, compared case-insensitively.
    public func hasEmail(_ email: String) -> Bool {
        self.email.lowercased() == email.lowercased()
    }

    enum CodingKeys: String, CodingKey {
        case id = "_id"
        case inviteCode = "invite_code"
        case email, project, permissions
        case userID = "user_id"
        case emailStatus = "email_status"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        inviteCode = try? container.decodeIfPresent(String.self, forKey: .inviteCode)
        if let listed = try? container.decodeIfPresent(String.self, forKey: .id) {
            id = listed
        } else if let inviteCode {
            id = inviteCode
        } else {
            id = try container.decode(String.self, forKey: .id)
        }
        email = try container.decodeIfPresent(String.self, forKey: .email) ?? ""
        userID = try? container.decodeIfPresent(String.self, forKey: .userID)
        project = try? container.decodeIfPresent(String.self, forKey: .project)
        permissions = try? container.decodeIfPresent(RelevanceAIPermissions.self, forKey: .permissions)
        emailStatus = try? container.decodeIfPresent(String.self, forKey: .emailStatus)
    }
}

/// A user's API key (`POST /auth/users/{user_id}/keys/list`); the secret itself is never listed.
public struct RelevanceAIAPIKey: Sendable, Hashable, Decodable, Identifiable {
    /// The key id, sent as `id` to delete it.
    public var id: String
    /// The label.
    public var label: String?

    public init(id: String, label: String? = nil) {
        self.id = id
        self.label = label
    }

    enum CodingKeys: String, CodingKey {
        case id = "_id"
        case label
    }
}

/// Relevance AI's error body, `{"message", "error_type"}` (seen by a third-party probe [U]).
struct RelevanceAIErrorBody: Decodable {
    var message: String?
    var errorType: String?

    enum CodingKeys: String, CodingKey {
        case message
        case errorType = "error_type"
    }
}
