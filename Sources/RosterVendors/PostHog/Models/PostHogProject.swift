/// A PostHog project in an organization.
///
/// Decoded leniently: unknown fields are ignored and everything but `id` is optional.
public struct PostHogProject: Sendable, Hashable, Codable, Identifiable {
    /// The project's number (used in `private_project_access`).
    public var id: Int
    /// The project's UUID.
    public var uuid: String?
    /// The display name; PostHog does not document names as unique.
    public var name: String?
    /// The organization's id.
    public var organization: String?
    /// The deprecated `access_control` flag: `true` for a private project of an organization not
    /// yet moved to access-control records. New private projects show `false` here and carry a
    /// project-wide access-control record instead (see ``PostHogClient/privacy(of:)``).
    public var accessControl: Bool?

    public init(id: Int, uuid: String? = nil, name: String?, organization: String? = nil, accessControl: Bool? = nil) {
        self.id = id
        self.uuid = uuid
        self.name = name
        self.organization = organization
        self.accessControl = accessControl
    }

    /// Whether the deprecated flag marks the project private. Not the whole answer: see
    /// ``PostHogClient/privacy(of:)``.
    public var isPrivate: Bool { accessControl == true }

    enum CodingKeys: String, CodingKey {
        case id, uuid, name, organization
        case accessControl = "access_control"
    }
}
