import RosterCore

/// The in-memory organization behind ``FakeRelevanceAIServer``: projects, users, project
/// memberships with permissions, pending invites and users' API keys.
///
/// A plain value: the server keeps it in a lock, tests read snapshots of it, and every rule is
/// a `mutating` method that throws ``FakeRelevanceAIError`` where the fake answers 4xx.
/// Invites, users and keys are scoped to a project — the one named by the request's header.
public struct FakeRelevanceAIState: Sendable, Hashable {
    /// Behaviour Relevance AI leaves unspecified, as switches [U].
    public struct Options: Sendable, Hashable {
        /// What a second invite for an address with a pending invite in the project does.
        public enum DuplicateInvite: Sendable, Hashable {
            /// 400 `invite_exists` (the default).
            case reject
            /// The old invite is replaced by a new one (new code).
            case replace
            /// A second invite is added next to the first.
            case keep
        }

        /// What `POST /auth/invite/list` sends as an invite's `_id`. The listing documents `_id`
        /// and deletion takes `invite_code`; whether they are equal is not documented [U].
        public enum InviteIDs: Sendable, Hashable {
            /// `_id` is the invite code (the default): deleting by `_id` works.
            case sameAsCode
            /// `_id` is a record id unlike the code: deleting by `_id` finds nothing.
            case separate
        }

        /// What removing an organisation admin (or owner) from a project does. Relevance AI
        /// documents only that an admin "must first" be made a member "before you can remove
        /// them" (RelevanceAI/relevance-docs `admin/project-management/remove-members.mdx`).
        public enum OrganizationAdminRemoval: Sendable, Hashable {
            /// 400 `organization_admin` (the default).
            case refused
            /// The explicit membership goes, but the admin keeps (inherited) access: still listed.
            case keepsAccess
        }

        /// The status for a wrong API key: 400 as the third-party probe saw (default), or 401.
        public var wrongKeyStatus: Int
        /// Whether a 429 carries `Retry-After` (the probe saw no rate-limit headers at all).
        public var sendsRetryAfter: Bool
        /// See ``DuplicateInvite``.
        public var duplicateInvite: DuplicateInvite
        /// Whether deleting something that is not there answers 404 (default) or 200 `{}`.
        public var missingDeleteIsNotFound: Bool
        /// Whether creating a project with a name already in use is refused (409).
        public var uniqueProjectNames: Bool
        /// Page size when a list request gives none (the documented default is 20).
        public var defaultPageSize: Int
        /// See ``InviteIDs``.
        public var inviteIDs: InviteIDs
        /// See ``OrganizationAdminRemoval``.
        public var organizationAdminRemoval: OrganizationAdminRemoval

        public init(
            wrongKeyStatus: Int = 400,
            sendsRetryAfter: Bool = true,
            duplicateInvite: DuplicateInvite = .reject,
            missingDeleteIsNotFound: Bool = true,
            uniqueProjectNames: Bool = false,
            defaultPageSize: Int = 20,
            inviteIDs: InviteIDs = .sameAsCode,
            organizationAdminRemoval: OrganizationAdminRemoval = .refused
        ) {
            self.inviteIDs = inviteIDs
            self.organizationAdminRemoval = organizationAdminRemoval
            self.wrongKeyStatus = wrongKeyStatus
            self.sendsRetryAfter = sendsRetryAfter
            self.duplicateInvite = duplicateInvite
            self.missingDeleteIsNotFound = missingDeleteIsNotFound
            self.uniqueProjectNames = uniqueProjectNames
            self.defaultPageSize = defaultPageSize
        }
    }

    /// Switches for unspecified behaviour.
    public var options: Options
    /// The organization's id.
    public let organizationID: String
    /// The key's home project, used when a header names no project.
    public internal(set) var defaultProjectID: String = ""
    /// Projects in creation order.
    public internal(set) var projects: [Project] = []
    /// Users of the organization, in the order they joined.
    public internal(set) var users: [User] = []
    /// Project memberships in creation order.
    public internal(set) var memberships: [Membership] = []
    /// Pending invites in creation order.
    public internal(set) var invites: [Invite] = []
    /// API keys in creation order.
    public internal(set) var apiKeys: [APIKey] = []
    /// Organisation roles by user id (`owner`, `admin`, `operator`, `viewer`); a user without
    /// one is a `viewer`, the role Relevance AI gives new organisation members
    /// (RelevanceAI/relevance-docs `enterprise/rbac.mdx`).
    public internal(set) var organizationRoles: [String: String] = [:]
    /// Raw JSON records appended to a listing as they are (to play records a client cannot
    /// decode): keys are ``Listing`` values.
    public internal(set) var rawRecords: [Listing: [JSONValue]] = [:]

    /// A listing raw records can be added to.
    public enum Listing: Sendable, Hashable {
        /// `GET /projects/list` (first page).
        case projects
        /// `POST /auth/users/list` in a project (first page).
        case users(projectID: String)
        /// `POST /auth/invite/list` in a project.
        case invites(projectID: String)
    }

    var nextSerial = 1

    /// A new organization with one project, the key's home project.
    public init(options: Options = Options(), organizationID: String = "org-relevance-fake") {
        self.options = options
        self.organizationID = organizationID
        defaultProjectID = insertProject(name: "Default Project", description: "").id
    }

    // MARK: - Lookups

    /// The project with `id`.
    public func project(id: String) -> Project? { projects.first { $0.id == id } }

    /// The user with `id`.
    public func user(id: String) -> User? { users.first { $0.id == id } }

    /// The user whose address is `email` (case-insensitive).
    public func user(email: String) -> User? { users.first { $0.email.lowercased() == email.lowercased() } }

    /// `userID`'s membership of `projectID`.
    public func membership(projectID: String, userID: String) -> Membership? {
        memberships.first { $0.projectID == projectID && $0.userID == userID }
    }

    /// The memberships of `projectID`.
    public func members(of projectID: String) -> [Membership] { memberships.filter { $0.projectID == projectID } }

    /// `userID`'s organisation role (`viewer` unless set).
    public func organizationRole(of userID: String) -> String { organizationRoles[userID] ?? "viewer" }

    /// Whether `userID` is an organisation admin or owner, who sees every project.
    public func isOrganizationAdmin(_ userID: String) -> Bool {
        ["admin", "owner"].contains(organizationRole(of: userID))
    }

    /// Whether `userID` has access to `projectID`: a membership, or an organisation admin role.
    public func canAccess(projectID: String, userID: String) -> Bool {
        membership(projectID: projectID, userID: userID) != nil || isOrganizationAdmin(userID)
    }

    /// The pending invites of `projectID`.
    public func invites(in projectID: String) -> [Invite] { invites.filter { $0.projectID == projectID } }

    /// The keys of `userID` in `projectID`.
    public func apiKeys(of userID: String, in projectID: String) -> [APIKey] {
        apiKeys.filter { $0.userID == userID && $0.projectID == projectID }
    }

    // MARK: - Paging

    /// One page of `items` (`page` from 1) and whether more follow.
    ///
    /// - Throws: 400 for a page below 1 or a size below 1.
    func page<Item>(
        _ items: [Item], page: Int?, pageSize: Int?
    ) throws(FakeRelevanceAIError) -> (
        items: [Item], hasMore: Bool
    ) {
        let size = pageSize ?? options.defaultPageSize
        let number = page ?? 1
        guard size >= 1, number >= 1 else { throw .invalid("page and page_size must be positive integers") }
        let start = min((number - 1) * size, items.count)
        let end = min(start + size, items.count)
        return (Array(items[start..<end]), end < items.count)
    }

    // MARK: - Ids

    /// A UUID-shaped id with a serial in the last group.
    mutating func issueUUID() -> String {
        let serial = String(nextSerial)
        nextSerial += 1
        return "7e1e0a00-0000-4000-8000-" + String(repeating: "0", count: max(0, 12 - serial.count)) + serial
    }

    /// `prefix` + a zero-padded serial.
    mutating func issueID(_ prefix: String) -> String {
        let serial = String(nextSerial)
        nextSerial += 1
        return prefix + String(repeating: "0", count: max(0, 6 - serial.count)) + serial
    }

    mutating func insertProject(name: String, description: String) -> Project {
        let project = Project(id: issueUUID(), name: name, description: description)
        projects.append(project)
        return project
    }

    mutating func insertUser(email: String) -> User {
        if let existing = user(email: email) { return existing }
        let user = User(id: issueUUID(), email: email, type: "user")
        users.append(user)
        return user
    }
}
