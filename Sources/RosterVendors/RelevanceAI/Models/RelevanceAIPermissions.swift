/// Relevance AI's permission document for one project (or one invite):
/// `{"items": {"relevanceDefault": {"actions": {"role:editor": true}}}, "role_context": {…}}`.
///
/// Sent (``items`` only) when inviting and when updating a user; read back from invites
/// (`POST /auth/invite/list`: `results[].permissions`) and, per project, from users
/// (`permissions.projects[<project_id>]`, see ``RelevanceAIUserPermissions``). Unknown items and
/// actions are kept; `resources` and other fields are ignored.
///
/// Source: the vendor's OpenAPI document served under `/latest/documentation`, as copied in
/// api-evangelist/relevance-ai `openapi/relevance-ai-auth-api-openapi.yml` (`ListUsersOutput`,
/// `ListProjectInvitesOutput`, `UpdateUserInput`).
public struct RelevanceAIPermissions: Sendable, Hashable, Codable {
    /// One permission item: the actions it grants.
    public struct Item: Sendable, Hashable, Codable {
        /// Action name → granted.
        public var actions: [String: Bool]

        public init(actions: [String: Bool]) {
            self.actions = actions
        }

        enum CodingKeys: String, CodingKey {
            case actions
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            actions = try container.decodeIfPresent([String: Bool].self, forKey: .actions) ?? [:]
        }
    }

    /// `role_context`: the effective role Relevance AI computed (explicit and inherited).
    public struct RoleContext: Sendable, Hashable, Codable {
        /// `project` or `organization`.
        public var entityType: String?
        /// The effective role: project `admin|editor|operator|viewer|chat`, organisation
        /// `owner|admin|operator|viewer`.
        public var role: String?
        /// Whether the role is only inherited (deprecated by the vendor, read when present).
        public var isInherited: Bool?

        public init(entityType: String? = nil, role: String? = nil, isInherited: Bool? = nil) {
            self.entityType = entityType
            self.role = role
            self.isInherited = isInherited
        }

        enum CodingKeys: String, CodingKey {
            case entityType = "entity_type"
            case role
            case isInherited = "is_inherited"
        }
    }

    /// The item Relevance AI's project roles live in.
    public static let defaultItem = "relevanceDefault"

    /// Item name → item.
    public var items: [String: Item]
    /// The effective role, when the vendor sent one (never sent by Roster).
    public var roleContext: RoleContext?

    public init(items: [String: Item], roleContext: RoleContext? = nil) {
        self.items = items
        self.roleContext = roleContext
    }

    /// The document that grants exactly `role` in the project.
    public init(role: RelevanceAIRole) {
        items = [Self.defaultItem: Item(actions: [role.action: true])]
        roleContext = nil
    }

    enum CodingKeys: String, CodingKey {
        case items
        case roleContext = "role_context"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        items = (try? container.decodeIfPresent([String: Item].self, forKey: .items)) ?? [:]
        roleContext = try? container.decodeIfPresent(RoleContext.self, forKey: .roleContext)
    }

    /// Encodes ``items`` only: `role_context` is the vendor's to compute.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(items, forKey: .items)
    }

    /// The explicitly granted role: the strongest granted action of the default item (see
    /// ``RelevanceAIRole/rank``); `nil` when none.
    public var explicitRole: RelevanceAIRole? {
        let granted = (items[Self.defaultItem]?.actions ?? [:]).filter(\.value).map(\.key)
        let roles = granted.compactMap { $0 == "admin" || $0.hasPrefix("role:") ? RelevanceAIRole(action: $0) : nil }
        return roles.max { ($0.rank ?? -1, $0.action) < ($1.rank ?? -1, $1.action) }
    }

    /// The project role these permissions grant: the explicit one (what Roster writes), else
    /// the effective `role_context.role`; `nil` when neither says.
    public var role: RelevanceAIRole? {
        explicitRole ?? roleContext?.role.flatMap(RelevanceAIRole.init(contextRole:))
    }
}

/// A project role as a Relevance AI permission action: `admin`, `role:editor`, `role:operator`,
/// `role:viewer`, `role:chat`.
///
/// The five project roles are documented (RelevanceAI/relevance-docs `enterprise/rbac.mdx`;
/// the OpenAPI `role_context.role` enum); the actions for `admin`, `role:editor` and
/// `role:viewer` are documented (`enterprise/manage-projects-and-users-api.mdx`), those for
/// operator and chat follow the same pattern and are assumed [U].
public struct RelevanceAIRole: Sendable, Hashable, CustomStringConvertible {
    /// The action name as sent in permissions.
    public var action: String

    /// A role from its action name.
    public init(action: String) {
        self.action = action
    }

    /// Project admin.
    public static let admin = RelevanceAIRole(action: "admin")
    /// Editor.
    public static let editor = RelevanceAIRole(action: "role:editor")
    /// Operator (the "Member" role of Relevance AI's interface).
    public static let `operator` = RelevanceAIRole(action: "role:operator")
    /// Viewer.
    public static let viewer = RelevanceAIRole(action: "role:viewer")
    /// Chat only.
    public static let chat = RelevanceAIRole(action: "role:chat")

    /// The five project roles, weakest first.
    public static let all: [RelevanceAIRole] = [.chat, .viewer, .operator, .editor, .admin]

    /// A role from a grant's role name: `admin`, `editor`, `operator`, `viewer`, `chat`, or a raw
    /// action (`admin`, any `role:*`), case-insensitively; `nil` for anything else.
    public init?(name: String) {
        let lowered = name.lowercased()
        if let known = Self.all.first(where: { $0.name == lowered || $0.action == lowered }) {
            self = known
            return
        }
        guard lowered.hasPrefix("role:"), lowered.count > 5 else { return nil }
        self.init(action: lowered)
    }

    /// A role from `role_context.role` (`admin`, `editor`, `operator`, `viewer`, `chat`).
    public init?(contextRole: String) {
        guard let known = Self.all.first(where: { $0.name == contextRole.lowercased() }) else { return nil }
        self = known
    }

    /// The role's name: `admin`, `editor`, … (`custom` for an action `role:custom`).
    public var name: String { action.hasPrefix("role:") ? String(action.dropFirst(5)) : action }

    /// Position in ``all`` (weakest first), or `nil` for an action Roster does not know.
    public var rank: Int? { Self.all.firstIndex(of: self) }

    public var description: String { action }
}
