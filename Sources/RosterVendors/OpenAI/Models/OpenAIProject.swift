/// An OpenAI project (`object: "organization.project"`).
///
/// Decoded leniently: unknown fields are ignored and everything but `id` is optional, so a
/// field OpenAI drops or renames cannot fail a whole page.
public struct OpenAIProject: Sendable, Hashable, Codable, Identifiable {
    /// `proj_…`
    public var id: String
    /// The API object type, as OpenAI names it.
    public var object: String?
    /// The project's name; OpenAI does not document names as unique.
    public var name: String?
    /// Unix seconds.
    public var createdAt: Int64?
    /// Unix seconds, or `nil` while active.
    public var archivedAt: Int64?
    /// `active` or `archived`.
    public var status: String?
    /// The external key associated with the project, if any.
    public var externalKeyID: String?

    public init(
        id: String,
        name: String?,
        createdAt: Int64? = nil,
        archivedAt: Int64? = nil,
        status: String? = "active",
        externalKeyID: String? = nil
    ) {
        self.id = id
        self.object = "organization.project"
        self.name = name
        self.createdAt = createdAt
        self.archivedAt = archivedAt
        self.status = status
        self.externalKeyID = externalKeyID
    }

    /// Whether the project is archived (archived projects cannot be used or updated).
    public var isArchived: Bool { status == "archived" || archivedAt != nil }

    enum CodingKeys: String, CodingKey {
        case id, object, name, status
        case createdAt = "created_at"
        case archivedAt = "archived_at"
        case externalKeyID = "external_key_id"
    }
}
