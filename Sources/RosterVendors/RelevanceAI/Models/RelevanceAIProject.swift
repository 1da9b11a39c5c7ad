/// A Relevance AI project (`GET /projects/list`).
public struct RelevanceAIProject: Sendable, Hashable, Decodable, Identifiable {
    /// The project id (also the first half of the `Authorization` header).
    public var id: String
    /// The display name; uniqueness is not documented, so Roster takes the first match.
    public var name: String
    /// The description, if any.
    public var description: String?
    /// The owning organization.
    public var organizationID: String?

    public init(id: String, name: String, description: String? = nil, organizationID: String? = nil) {
        self.id = id
        self.name = name
        self.description = description
        self.organizationID = organizationID
    }

    enum CodingKeys: String, CodingKey {
        case projectID = "project_id"
        case mongoID = "_id"
        case name, description
        case organizationID = "organization_id"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let id = try container.decodeIfPresent(String.self, forKey: .projectID) {
            self.id = id
        } else {
            self.id = try container.decode(String.self, forKey: .mongoID)
        }
        name = try container.decodeIfPresent(String.self, forKey: .name) ?? ""
        description = try container.decodeIfPresent(String.self, forKey: .description)
        organizationID = try container.decodeIfPresent(String.self, forKey: .organizationID)
    }
}

/// One page of projects and the listing's total (`count`).
public struct RelevanceAIProjectPage: Sendable, Hashable, Decodable {
    /// The projects on this page that decoded.
    public var projects: [RelevanceAIProject]
    /// How many projects the whole listing has, if sent.
    public var count: Int?
    /// Every record of the page, readable or not.
    var list: StepLenientList<RelevanceAIProject>

    enum CodingKeys: String, CodingKey {
        case projects, count
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        list = try container.decode(StepLenientList<RelevanceAIProject>.self, forKey: .projects)
        projects = list.elements
        count = try? container.decodeIfPresent(Int.self, forKey: .count)
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.projects == rhs.projects && lhs.count == rhs.count }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(projects)
        hasher.combine(count)
    }
}
