/// A Confident AI project (`GET /v1/projects`). Names are unique within an organization.
public struct ConfidentAIProject: Sendable, Hashable, Decodable, Identifiable {
    /// The project id (a cuid such as `clq9z3x1k0001la08f7t3g5p2`).
    public var id: String
    /// The display name, unique per organization.
    public var name: String
    /// The description, if any.
    public var description: String?
    /// The owning organization.
    public var organizationID: String?
    /// Creation time as sent (ISO 8601).
    public var createdAt: String?

    public init(
        id: String,
        name: String,
        description: String? = nil,
        organizationID: String? = nil,
        createdAt: String? = nil
    ) {
        self.id = id
        self.name = name
        self.description = description
        self.organizationID = organizationID
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case id, name, description
        case organizationID = "organizationId"
        case createdAt = "created_at"
    }
}
