/// A pending invite to the project named in the request's `Authorization` header.
public struct RelevanceAIInvite: Sendable, Hashable, Decodable {
    /// The code that deletes the invite: `invite_code` when listed, else `_id` (whether the two
    /// are the same is not documented; Roster assumes so when only `_id` is sent).
    public var code: String
    /// The invited address (compare case-insensitively).
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
        code: String,
        email: String,
        userID: String? = nil,
        project: String? = nil,
        permissions: RelevanceAIPermissions? = nil
    ) {
        self.code = code
        self.email = email
        self.userID = userID
        self.project = project
        self.permissions = permissions
    }

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
        if let code = try container.decodeIfPresent(String.self, forKey: .inviteCode) {
            self.code = code
        } else {
            code = try container.decode(String.self, forKey: .id)
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
