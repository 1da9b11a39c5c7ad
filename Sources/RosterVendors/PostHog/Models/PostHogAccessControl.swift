/// One access-control record of a project (`GET /projects/{id}/access_controls/`): the
/// project-wide default (no ``organizationMember``, no ``role``; `"none"` makes the project
/// private) or one member's or role's access. PostHog/posthog `ee/api/rbac/access_control.py`.
///
/// Decoded leniently: unknown fields are ignored and every field is optional.
public struct PostHogAccessControl: Sendable, Hashable, Codable {
    /// `"none"`, `"member"` or `"admin"`.
    public var accessLevel: PostHogProjectAccessLevel?
    /// `project` for project access.
    public var resource: String?
    /// The project's id, as text.
    public var resourceID: String?
    /// The membership id (``PostHogMember/id``) the record is for, if any.
    public var organizationMember: String?
    /// The role the record is for, if any.
    public var role: String?

    public init(
        accessLevel: PostHogProjectAccessLevel?,
        resource: String? = "project",
        resourceID: String? = nil,
        organizationMember: String? = nil,
        role: String? = nil
    ) {
        self.accessLevel = accessLevel
        self.resource = resource
        self.resourceID = resourceID
        self.organizationMember = organizationMember
        self.role = role
    }

    /// Whether this is the project-wide default (neither a member's nor a role's).
    public var isProjectDefault: Bool { organizationMember == nil && role == nil }

    enum CodingKeys: String, CodingKey {
        case role, resource
        case accessLevel = "access_level"
        case resourceID = "resource_id"
        case organizationMember = "organization_member"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        accessLevel = try? container.decodeIfPresent(PostHogProjectAccessLevel.self, forKey: .accessLevel)
        resource = try? container.decodeIfPresent(String.self, forKey: .resource)
        resourceID = (try? container.decodeIfPresent(LenientID.self, forKey: .resourceID))?.value
        organizationMember = try? container.decodeIfPresent(String.self, forKey: .organizationMember)
        role = (try? container.decodeIfPresent(LenientID.self, forKey: .role))?.value
    }
}

/// `GET /projects/{id}/access_controls/`: the project's records (not paginated).
public struct PostHogAccessControls: Sendable, Hashable, Decodable {
    /// The records; one that does not decode is skipped, not fatal.
    public var accessControls: LenientList<PostHogAccessControl>

    enum CodingKeys: String, CodingKey {
        case accessControls = "access_controls"
    }

    public init(accessControls: [PostHogAccessControl]) {
        self.accessControls = LenientList(items: accessControls)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        accessControls =
            try container.decodeIfPresent(LenientList<PostHogAccessControl>.self, forKey: .accessControls)
            ?? LenientList(items: [])
    }

    /// Whether these records make the project private: a project-wide record with `"none"`.
    public var makePrivate: Bool {
        accessControls.items.contains { $0.isProjectDefault && $0.accessLevel == PostHogProjectAccessLevel.none }
    }

    /// The explicit level of the membership `memberID`, if it has a record.
    public func level(ofMember memberID: String) -> PostHogProjectAccessLevel? {
        accessControls.items.first { $0.organizationMember == memberID }?.accessLevel
    }
}
