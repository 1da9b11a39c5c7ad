import Foundation
import RosterCore

/// The in-memory organization behind ``FakeConfidentAIServer``: members, projects, project
/// members, organization and project invitations, and roles, with Confident AI's rules.
///
/// A plain value: the server keeps it in a lock, tests read snapshots of it, and every rule is
/// a `mutating` method that throws ``FakeConfidentAIError`` exactly where the fake answers 4xx.
/// The organization starts with one member, the Owner.
///
/// System roles (assumed names [U]): organization `Owner`, `Admin`, `Member`; project `Owner`,
/// `Manager`, `Member`, `Viewer`.
public struct FakeConfidentAIState: Sendable, Hashable {
    /// Behaviour Confident AI leaves unspecified, as switches.
    public struct Options: Sendable, Hashable {
        /// What a project invitation for someone who is not an organization member does [U].
        public enum NonMemberProjectInvitation: Sendable, Hashable {
            /// The whole batch fails with 400 (the default: "a user must be an organization
            /// member before they can be added to a project").
            case reject
            /// The invitation is created (accepting it then also needs organization membership).
            case allow
        }

        /// Page size when a list request gives no `pageSize` (Confident AI: 25).
        public var defaultPageSize: Int
        /// See ``NonMemberProjectInvitation``.
        public var nonMemberProjectInvitation: NonMemberProjectInvitation

        public init(defaultPageSize: Int = 25, nonMemberProjectInvitation: NonMemberProjectInvitation = .reject) {
            self.defaultPageSize = defaultPageSize
            self.nonMemberProjectInvitation = nonMemberProjectInvitation
        }
    }

    /// Switches for unspecified behaviour.
    public var options: Options
    /// The organization's id.
    public let organizationID: String
    /// Organization members in the order they joined; the first is the Owner.
    public internal(set) var members: [Member] = []
    /// Projects in creation order.
    public internal(set) var projects: [Project] = []
    /// Project memberships in creation order.
    public internal(set) var projectMembers: [ProjectMember] = []
    /// Invitations of both kinds in creation order, whatever their status.
    public internal(set) var invitations: [Invitation] = []
    /// Organization roles.
    public internal(set) var organizationRoles: [Role] = []
    /// Project roles: system ones (no project) and custom ones.
    public internal(set) var projectRoles: [Role] = []
    /// Raw JSON records a listing sends as they are, by the listing's path as sent
    /// (`/v1/organization/members`, `/v1/projects/{id}/invitations`, …): records a client may
    /// not be able to decode. Member listings send them on the first page and count them in
    /// `total`.
    public internal(set) var rawRecords: [String: [JSONValue]] = [:]

    /// Appends a raw record to the listing at `path` (seeding).
    public mutating func addRawRecord(_ record: JSONValue, toListing path: String) {
        rawRecords[path, default: []].append(record)
    }

    var nextSerial = 1
    var nextInvitationID = 1
    var now: @Sendable () -> Date

    /// A new organization with its system roles and an Owner.
    ///
    /// - Parameters:
    ///   - options: Switches for unspecified behaviour.
    ///   - ownerEmail: The Owner's address.
    ///   - now: The clock for `created_at`.
    public init(
        options: Options = Options(),
        ownerEmail: String = "owner@confident.example",
        now: @escaping @Sendable () -> Date
    ) {
        self.options = options
        self.now = now
        organizationID = "org_confident_fake"
        organizationRoles = ["Owner", "Admin", "Member"].map { Role(id: issueUUID(), name: $0, projectID: nil) }
        projectRoles = ["Owner", "Manager", "Member", "Viewer"].map { Role(id: issueUUID(), name: $0, projectID: nil) }
        _ = insertMember(email: ownerEmail, name: "Owner", roleID: organizationRole(named: "Owner")!.id)
    }

    public static func == (lhs: FakeConfidentAIState, rhs: FakeConfidentAIState) -> Bool {
        lhs.options == rhs.options && lhs.members == rhs.members && lhs.projects == rhs.projects
            && lhs.projectMembers == rhs.projectMembers && lhs.invitations == rhs.invitations
            && lhs.organizationRoles == rhs.organizationRoles && lhs.projectRoles == rhs.projectRoles
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(members)
        hasher.combine(projects)
        hasher.combine(projectMembers)
        hasher.combine(invitations)
    }

    // MARK: - Lookups

    /// The member with `id`.
    public func member(id: String) -> Member? { members.first { $0.id == id } }

    /// The member whose address is `email` (case-insensitive).
    public func member(email: String) -> Member? { members.first { $0.email.lowercased() == email.lowercased() } }

    /// The project with `id`.
    public func project(id: String) -> Project? { projects.first { $0.id == id } }

    /// The members of `projectID` in the order they joined.
    public func members(of projectID: String) -> [ProjectMember] { projectMembers.filter { $0.projectID == projectID } }

    /// `userID`'s membership of `projectID`.
    public func membership(projectID: String, userID: String) -> ProjectMember? {
        projectMembers.first { $0.projectID == projectID && $0.userID == userID }
    }

    /// The organization invitations (`projectID == nil`) or those of one project.
    public func invitations(projectID: String?) -> [Invitation] { invitations.filter { $0.projectID == projectID } }

    /// The pending invitations for `email` (case-insensitive), of both kinds.
    public func pendingInvitations(email: String) -> [Invitation] {
        invitations.filter { $0.isPending && $0.email.lowercased() == email.lowercased() }
    }

    /// The organization role called `name` (case-insensitive).
    public func organizationRole(named name: String) -> Role? {
        organizationRoles.first { $0.name.lowercased() == name.lowercased() }
    }

    /// The role with `id` among the organization roles.
    public func organizationRole(id: String) -> Role? { organizationRoles.first { $0.id == id } }

    /// The roles `projectID` offers: the system project roles and its custom ones.
    public func projectRoles(of projectID: String) -> [Role] {
        projectRoles.filter { $0.projectID == nil || $0.projectID == projectID }
    }

    /// The role of `projectID` called `name` (case-insensitive).
    public func projectRole(named name: String, in projectID: String) -> Role? {
        projectRoles(of: projectID).first { $0.name.lowercased() == name.lowercased() }
    }

    /// The role with `id` among those `projectID` offers.
    public func projectRole(id: String, in projectID: String) -> Role? {
        projectRoles(of: projectID).first { $0.id == id }
    }

    // MARK: - Paging

    /// One page of `items` for the query's `page` (from 1) and `pageSize` (1–100).
    ///
    /// - Throws: 400 for a page below 1 or a size outside 1–100.
    func page<Item>(_ items: [Item], page: String?, pageSize: String?) throws(FakeConfidentAIError) -> [Item] {
        var size = options.defaultPageSize
        if let pageSize {
            guard let parsed = Int(pageSize), (1...100).contains(parsed) else {
                throw .badRequest("pageSize must be an integer between 1 and 100")
            }
            size = parsed
        }
        var number = 1
        if let page {
            guard let parsed = Int(page), parsed >= 1 else {
                throw .badRequest("page must be an integer of at least 1")
            }
            number = parsed
        }
        let start = min((number - 1) * size, items.count)
        return Array(items[start..<min(start + size, items.count)])
    }

    // MARK: - Ids and time

    /// A cuid-like id: `prefix` + a zero-padded serial.
    mutating func issueID(_ prefix: String) -> String {
        let serial = String(nextSerial)
        nextSerial += 1
        return prefix + String(repeating: "0", count: max(0, 10 - serial.count)) + serial
    }

    /// A UUID-shaped id with a serial in the last group.
    mutating func issueUUID() -> String {
        let serial = String(nextSerial)
        nextSerial += 1
        return "00000000-0000-4000-8000-" + String(repeating: "0", count: max(0, 12 - serial.count)) + serial
    }

    /// The current time as ISO 8601.
    func timestamp() -> String {
        now().formatted(.iso8601)
    }

    mutating func insertMember(email: String, name: String, roleID: String) -> Member {
        let member = Member(id: issueID("clu"), email: email, name: name, roleID: roleID)
        members.append(member)
        return member
    }
}
