/// Relevance AI's permission document:
/// `{"items": {"relevanceDefault": {"actions": {"role:editor": true}}}}`.
///
/// Sent when inviting and when updating a user; read back from users and invites (where its
/// shape is assumed to be the same [U]). Unknown items and actions are kept.
public struct RelevanceAIPermissions: Sendable, Hashable, Codable {
    /// One permission item: the actions it grants.
    public struct Item: Sendable, Hashable, Codable {
        /// Action name → granted.
        public var actions: [String: Bool]

        public init(actions: [String: Bool]) {
            self.actions = actions
        }
    }

    /// The item Relevance AI's project roles live in.
    public static let defaultItem = "relevanceDefault"

    /// Item name → item.
    public var items: [String: Item]

    public init(items: [String: Item]) {
        self.items = items
    }

    /// The document that grants exactly `role` in the project.
    public init(role: RelevanceAIRole) {
        items = [Self.defaultItem: Item(actions: [role.action: true])]
    }

    /// The role these permissions grant in the default item: the highest granted of `admin`,
    /// then any `role:*` action (editor before viewer); `nil` when none.
    public var role: RelevanceAIRole? {
        let granted = (items[Self.defaultItem]?.actions ?? [:]).filter(\.value).map(\.key)
        if granted.contains("admin") { return .admin }
        let roles = granted.filter { $0.hasPrefix("role:") }.sorted()
        if roles.contains(RelevanceAIRole.editor.action) { return .editor }
        return roles.first.map { RelevanceAIRole(action: $0) }
    }
}

/// A project role as a Relevance AI permission action: `admin`, `role:editor`, `role:viewer`.
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
    /// Viewer.
    public static let viewer = RelevanceAIRole(action: "role:viewer")

    /// A role from a grant's role name: `admin`, `editor`, `viewer`, or a raw action
    /// (`admin`, `role:editor`, `role:viewer`, any other `role:*`), case-insensitively; `nil`
    /// for anything else.
    public init?(name: String) {
        let lowered = name.lowercased()
        switch lowered {
        case "admin": self = .admin
        case "editor": self = .editor
        case "viewer": self = .viewer
        default:
            guard lowered.hasPrefix("role:"), lowered.count > 5 else { return nil }
            self.init(action: lowered)
        }
    }

    public var description: String { action }
}
