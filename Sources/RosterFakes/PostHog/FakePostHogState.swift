import RosterCore

/// The in-memory organization behind ``FakePostHogServer``: members (each with a user
/// account), projects (some private), invites and personal API keys, with PostHog's rules.
///
/// A plain value: the server keeps it in a lock, tests read snapshots of it, and every rule is
/// a `mutating` method that throws ``FakePostHogError`` exactly where the real API answers 4xx.
/// A new organization has one project ("Default project") and one member: the owner whose
/// personal API key the server accepts (``callerUUID``).
public struct FakePostHogState: Sendable, Hashable {
    /// Behaviour that differs between PostHog versions or is not documented, as switches.
    public struct Options: Sendable, Hashable {
        /// Whether a 429 carries `Retry-After` (drf-exceptions-hog ≥ 0.4.0) or only the seconds
        /// in its detail.
        public var sendsRetryAfter: Bool
        /// Page size when a list request gives no `limit` (PostHog: 100).
        public var defaultPageSize: Int
        /// Whether `POST /invites/bulk/` answers 201 with the invites (PostHog's code) or 200
        /// without a body (its published reference).
        public var bulkReturnsInvites: Bool

        public init(sendsRetryAfter: Bool = true, defaultPageSize: Int = 100, bulkReturnsInvites: Bool = true) {
            self.sendsRetryAfter = sendsRetryAfter
            self.defaultPageSize = defaultPageSize
            self.bulkReturnsInvites = bulkReturnsInvites
        }
    }

    /// Switches for undocumented behaviour.
    public var options: Options
    /// The organization's UUID (`@current` also resolves to it).
    public let organizationID: String
    /// Members in the order they joined.
    public internal(set) var members: [Member] = []
    /// Projects in creation order.
    public internal(set) var projects: [Project] = []
    /// Invites in creation order, expired ones included.
    public internal(set) var invites: [Invite] = []
    /// Personal API keys, of members and former members.
    public internal(set) var personalAPIKeys: [PersonalAPIKey] = []
    /// Project access-control records (project-wide defaults and per-member access).
    public internal(set) var accessControls: [AccessControl] = []
    /// The user UUID of the owner whose personal API key calls the API.
    public internal(set) var callerUUID: String = ""
    /// Raw JSON records a listing sends as they are, on its first page: records a client may not
    /// be able to decode (PostHog's own records vary: invites stored before access levels were
    /// names carry numbers, PostHog/posthog `posthog/models/organization_invite.py`).
    public internal(set) var rawRecords: [Listing: [JSONValue]] = [:]

    /// A listing raw records can be added to.
    public enum Listing: Sendable, Hashable {
        /// `GET /projects/`.
        case projects
        /// `GET /members/`.
        case members
        /// `GET /invites/`.
        case invites
        /// `GET /projects/{id}/access_controls/` (its `access_controls` array).
        case accessControls(projectID: Int)
    }

    /// Appends a raw record to `listing` (seeding).
    public mutating func addRawRecord(_ record: JSONValue, to listing: Listing) {
        rawRecords[listing, default: []].append(record)
    }

    var nextSerial = 1
    /// The fake's wall clock in Unix seconds.
    var now: @Sendable () -> Int64

    /// A new organization with its default project and the calling owner.
    ///
    /// - Parameters:
    ///   - organizationID: The organization's UUID.
    ///   - callerEmail: The address of the owner whose key the server accepts.
    ///   - options: Switches for undocumented behaviour.
    ///   - now: Unix seconds for timestamps.
    public init(
        organizationID: String,
        callerEmail: String = "roster-admin@example.com",
        options: Options = Options(),
        now: @escaping @Sendable () -> Int64
    ) {
        self.organizationID = organizationID
        self.options = options
        self.now = now
        insertProject(name: "Default project", privacy: .open)
        callerUUID = addMember(email: callerEmail, firstName: "Roster", level: 15).user.uuid
    }

    public static func == (lhs: FakePostHogState, rhs: FakePostHogState) -> Bool {
        lhs.options == rhs.options && lhs.organizationID == rhs.organizationID && lhs.members == rhs.members
            && lhs.projects == rhs.projects && lhs.invites == rhs.invites && lhs.personalAPIKeys == rhs.personalAPIKeys
            && lhs.accessControls == rhs.accessControls
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(organizationID)
        hasher.combine(members)
        hasher.combine(projects)
        hasher.combine(invites)
        hasher.combine(accessControls)
    }

    // MARK: - Lookups

    /// The member whose address is `email`, compared case-insensitively (a test helper; the API's
    /// `?email=` filter is exact, see ``member(exactEmail:)``).
    public func member(email: String) -> Member? {
        members.first { $0.user.email.lowercased() == email.lowercased() }
    }

    /// The member whose stored address is exactly `email`, as PostHog's `?email=` filter and its
    /// invite member check compare (`user__email=`, case-sensitive; PostHog/posthog
    /// `posthog/api/organization_member.py`, `posthog/api/organization_invite.py`).
    public func member(exactEmail email: String) -> Member? {
        members.first { $0.user.email == email }
    }

    /// The member whose user UUID is `uuid`.
    public func member(uuid: String) -> Member? {
        members.first { $0.user.uuid == uuid }
    }

    /// The project numbered `id`.
    public func project(id: Int) -> Project? {
        projects.first { $0.id == id }
    }

    /// The invites for `email` (case-insensitive), expired ones included.
    public func invites(email: String) -> [Invite] {
        invites.filter { $0.targetEmail.lowercased() == email.lowercased() }
    }

    /// Whether project `projectID` is private: the deprecated `access_control` flag, or a
    /// project-wide access-control record with `access_level: "none"` (PostHog/posthog
    /// `posthog/models/organization.py`, `organization_has_private_projects`, names both).
    public func isPrivate(projectID: Int) -> Bool {
        if project(id: projectID)?.legacyAccessControl == true { return true }
        return accessControls.contains {
            $0.projectID == projectID && $0.organizationMemberID == nil && $0.accessLevel == "none"
        }
    }

    /// The access-control records of project `projectID`.
    public func accessControls(projectID: Int) -> [AccessControl] {
        accessControls.filter { $0.projectID == projectID }
    }

    /// The explicit access level of the member with membership id `memberID` to `projectID`.
    public func projectAccessLevel(projectID: Int, memberID: String) -> String? {
        accessControls.first { $0.projectID == projectID && $0.organizationMemberID == memberID }?.accessLevel
    }

    /// The personal API keys of the user `uuid`.
    public func personalAPIKeys(userUUID: String) -> [PersonalAPIKey] {
        personalAPIKeys.filter { $0.userUUID == userUUID }
    }

    // MARK: - Paging

    /// One `limit`/`offset` page of `items`.
    ///
    /// - Throws: 400 for a `limit` or `offset` that is not a non-negative integer.
    func page<Item>(
        _ items: [Item], limit: String?, offset: String?
    ) throws(FakePostHogError) -> (
        items: [Item], limit: Int, offset: Int
    ) {
        var size = options.defaultPageSize
        if let limit {
            guard let parsed = Int(limit), parsed >= 1 else { throw .validation("Invalid limit.", attr: "limit") }
            size = min(parsed, 1000)
        }
        var start = 0
        if let offset {
            guard let parsed = Int(offset), parsed >= 0 else { throw .validation("Invalid offset.", attr: "offset") }
            start = parsed
        }
        let slice = items.dropFirst(start).prefix(size)
        return (Array(slice), size, start)
    }

    // MARK: - Ids

    /// The next serial number (users, projects, UUIDs share one sequence).
    mutating func issueSerial() -> Int {
        defer { nextSerial += 1 }
        return nextSerial
    }

    /// A UUID-shaped id made from a serial, so ids are predictable in tests.
    mutating func issueUUID() -> String {
        let serial = String(issueSerial())
        return "00000000-0000-4000-8000-" + String(repeating: "0", count: max(0, 12 - serial.count)) + serial
    }

    /// How a seeded project is private.
    public enum Privacy: Sendable, Hashable {
        /// Every member sees it.
        case open
        /// Private the current way: a project-wide access-control record with `"none"`.
        case accessControl
        /// Private the deprecated way: `access_control: true` (organizations not yet migrated).
        case legacyFlag
    }

    @discardableResult
    mutating func insertProject(name: String, privacy: Privacy) -> Project {
        let project = Project(
            id: issueSerial(),
            uuid: issueUUID(),
            name: name,
            legacyAccessControl: privacy == .legacyFlag,
            createdAt: now()
        )
        projects.append(project)
        if privacy == .accessControl {
            setAccessControl(projectID: project.id, memberID: nil, level: "none")
        }
        return project
    }

    /// Creates, changes (`level`) or deletes (`nil`) one access-control record.
    mutating func setAccessControl(projectID: Int, memberID: String?, level: String?) {
        let index = accessControls.firstIndex { $0.projectID == projectID && $0.organizationMemberID == memberID }
        switch (index, level) {
        case (let index?, let level?):
            accessControls[index].accessLevel = level
            accessControls[index].updatedAt = now()
        case (let index?, nil):
            accessControls.remove(at: index)
        case (nil, let level?):
            accessControls.append(
                AccessControl(
                    projectID: projectID, organizationMemberID: memberID, accessLevel: level,
                    createdAt: now(), updatedAt: now()
                ))
        case (nil, nil):
            break
        }
    }
}
