import RosterCore

/// The in-memory organisation behind ``FakeOpenAIServer``: users, projects (one of them the
/// default project), project members, invites and API keys, with OpenAI's rules.
///
/// A plain value: the server keeps it in a lock, tests read snapshots of it, and every rule is
/// a `mutating` method that throws ``FakeOpenAIError`` exactly where the real API answers 4xx.
public struct FakeOpenAIState: Sendable, Hashable {
    /// Behaviour the real API leaves unspecified, as switches.
    public struct Options: Sendable, Hashable {
        /// Creating an invite for an address that already has a pending invite → 400.
        public var rejectDuplicatePendingInvite: Bool
        /// Creating an invite for an address that is already a member → 400.
        public var rejectInviteForExistingMember: Bool
        /// Page size when a list request gives no `limit` (OpenAI: 20).
        public var defaultPageSize: Int
        /// Whether `GET /organization/users?emails[]=` ignores letter case. OpenAI does not say
        /// (openai-openapi documents `emails` as "Filter by the email address of users" only);
        /// `false` makes the filter exact, the worse case for a connector to handle.
        public var emailFilterIgnoresCase: Bool

        public init(
            rejectDuplicatePendingInvite: Bool = true,
            rejectInviteForExistingMember: Bool = true,
            defaultPageSize: Int = 20,
            emailFilterIgnoresCase: Bool = true
        ) {
            self.rejectDuplicatePendingInvite = rejectDuplicatePendingInvite
            self.rejectInviteForExistingMember = rejectInviteForExistingMember
            self.defaultPageSize = defaultPageSize
            self.emailFilterIgnoresCase = emailFilterIgnoresCase
        }
    }

    /// Switches for behaviour the real API leaves unspecified.
    public var options: Options
    /// Organization members in creation order.
    public internal(set) var users: [User] = []
    /// Projects in creation order, archived ones included.
    public internal(set) var projects: [Project] = []
    /// Project memberships in creation order.
    public internal(set) var memberships: [Membership] = []
    /// Invites in creation order, whatever their status.
    public internal(set) var invites: [Invite] = []
    /// API keys in creation order.
    public internal(set) var apiKeys: [APIKey] = []
    /// The id of the project that invites without `projects` join.
    public internal(set) var defaultProjectID: String = ""
    /// Raw JSON records a listing sends as they are, by the listing's path as sent
    /// (`/v1/organization/users`, `/v1/organization/projects/{id}/users`, …), on its first page
    /// (no `after`): records a client may not be able to decode. OpenAI's spec requires little of
    /// a record (a user needs only `object`, `id` and `added_at`: openai/openai-openapi
    /// `openapi.json`, schema `User`), so listings can hold ones Roster does not expect.
    public internal(set) var rawRecords: [String: [JSONValue]] = [:]

    /// Appends a raw record to the listing at `path` (seeding).
    public mutating func addRawRecord(_ record: JSONValue, toListing path: String) {
        rawRecords[path, default: []].append(record)
    }

    /// Creation order of every id ever issued, so `after` cursors survive deletions.
    var sequence: [String: Int] = [:]
    var nextSequence = 1
    /// The fake's wall clock in Unix seconds.
    var now: @Sendable () -> Int64

    /// A new organisation with only its default project.
    ///
    /// - Parameters:
    ///   - options: Switches for unspecified behaviour.
    ///   - now: Unix seconds for `created_at` and friends.
    public init(options: Options = Options(), now: @escaping @Sendable () -> Int64) {
        self.options = options
        self.now = now
        defaultProjectID = insertProject(name: "Default project", isDefault: true)
    }

    public static func == (lhs: FakeOpenAIState, rhs: FakeOpenAIState) -> Bool {
        lhs.options == rhs.options && lhs.users == rhs.users && lhs.projects == rhs.projects
            && lhs.memberships == rhs.memberships && lhs.invites == rhs.invites && lhs.apiKeys == rhs.apiKeys
            && lhs.defaultProjectID == rhs.defaultProjectID && lhs.rawRecords == rhs.rawRecords
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(users)
        hasher.combine(projects)
        hasher.combine(memberships)
        hasher.combine(invites)
        hasher.combine(apiKeys)
    }

    // MARK: - Lookups

    /// The user with `id`.
    public func user(id: String) -> User? { users.first { $0.id == id } }

    /// The user whose address is `email` (case-insensitive).
    public func user(email: String) -> User? { users.first { $0.email?.lowercased() == email.lowercased() } }

    /// The project with `id`.
    public func project(id: String) -> Project? { projects.first { $0.id == id } }

    /// The members of project `projectID`, in the order they joined.
    public func members(of projectID: String) -> [Membership] { memberships.filter { $0.projectID == projectID } }

    /// The membership of `userID` in `projectID`.
    public func membership(projectID: String, userID: String) -> Membership? {
        memberships.first { $0.projectID == projectID && $0.userID == userID }
    }

    /// The keys in project `projectID`.
    public func apiKeys(in projectID: String) -> [APIKey] { apiKeys.filter { $0.projectID == projectID } }

    /// The invites for `email` (case-insensitive), any status.
    public func invites(email: String) -> [Invite] { invites.filter { $0.email.lowercased() == email.lowercased() } }

    /// Whether the key's owner still has access to its project (`owner_project_access`).
    public func ownerHasAccess(_ key: APIKey) -> Bool {
        switch key.owner {
        case .serviceAccount: true
        case .user(let id, _, _): membership(projectID: key.projectID, userID: id) != nil
        }
    }

    // MARK: - Paging

    /// One page of `items` after the id `after`, in creation order.
    ///
    /// - Throws: 400 for a `limit` outside 1–100 or an `after` id this fake never issued.
    func page<Item>(
        _ items: [Item],
        id: (Item) -> String,
        after: String?,
        limit: String?
    ) throws(FakeOpenAIError) -> (items: [Item], hasMore: Bool) {
        var size = options.defaultPageSize
        if let limit {
            guard let parsed = Int(limit), (1...100).contains(parsed) else {
                throw .invalidRequest("Invalid 'limit': must be an integer between 1 and 100.", param: "limit")
            }
            size = parsed
        }
        var remaining = items[...]
        if let after {
            if let position = items.firstIndex(where: { id($0) == after }) {
                remaining = items[(position + 1)...]
            } else if let cursor = sequence[after] {
                // The cursor's object was deleted since: continue after its creation order.
                remaining = remaining.drop { (sequence[id($0)] ?? 0) <= cursor }
            } else {
                throw .invalidRequest("Invalid 'after': no object with id '\(after)'.", param: "after")
            }
        }
        return (Array(remaining.prefix(size)), remaining.count > size)
    }

    // MARK: - Ids

    /// Issues `prefix` + a zero-padded serial (`proj_000001`, `user-000002`, …).
    mutating func issueID(_ prefix: String) -> String {
        let serial = String(nextSequence)
        let id = prefix + String(repeating: "0", count: max(0, 6 - serial.count)) + serial
        sequence[id] = nextSequence
        nextSequence += 1
        return id
    }

    mutating func insertProject(name: String, isDefault: Bool = false) -> String {
        let id = issueID("proj_")
        projects.append(Project(id: id, name: name, createdAt: now(), archivedAt: nil, isDefault: isDefault))
        return id
    }
}
