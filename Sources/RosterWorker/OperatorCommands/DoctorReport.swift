import RosterCore

/// What `roster doctor` (and a worker at start-up) found about every configured vendor: whether
/// its key works, the roles it really has, whether every role the configuration names resolves
/// against them, and its rate budget. Holds no key and no address.
public struct DoctorReport: Sendable, Hashable {
    /// One entry per configured vendor instance, sorted by name.
    public var vendors: [Vendor]

    /// Creates a report from vendor entries, expected sorted by name.
    public init(vendors: [Vendor]) {
        self.vendors = vendors
    }

    /// `true` when nothing failed (warnings allowed): the exit status of `roster doctor`.
    public var ok: Bool { vendors.allSatisfy(\.ok) }

    /// How a vendor answered the read call made with its key.
    public enum KeyStatus: String, Sendable, Hashable {
        /// The call succeeded.
        case ok
        /// The vendor refused the key (401 or 403).
        case refused
        /// No answer: connection refused, DNS, TLS, timeout.
        case unreachable
        /// The environment variable naming the key is unset or empty.
        case missing
        /// The vendor answered with another error (5xx, an unexpected body, a 404 for a wrong
        /// organization or project id, …).
        case error
        /// A `noop` vendor: nothing to call.
        case skipped

        /// Whether this status fails the check.
        public var failed: Bool { self != .ok && self != .skipped }
    }

    /// Whether one role resolves.
    public enum RoleStatus: String, Sendable, Hashable {
        /// It resolves to a role the vendor has.
        case ok
        /// It does not resolve: jobs that use it would die.
        case unknown
        /// A default mapping (not named by the configuration) that would not resolve: only jobs
        /// whose events name this role would die.
        case warning
        /// Could not be checked (the vendor's roles could not be read).
        case unchecked
    }

    /// One role the configuration (or a default) names, resolved against the vendor's roles.
    public struct RoleCheck: Sendable, Hashable {
        /// `roles` (the instance's `roles:` mapping), `policy`, `default` (Roster's default
        /// mapping, not overridden) or `organization_invite` (the organization role new people
        /// are invited with).
        public var source: String
        /// The role as written: the Roster role or policy role.
        public var role: String
        /// What it maps to in the vendor's vocabulary, when it maps at all.
        public var vendorRole: String?
        /// `organization` or `project`.
        public var scope: String
        /// The project whose roles were used (policy grants, Confident AI), if any.
        public var project: String?
        /// Whether the role resolves; only ``RoleStatus/unknown`` fails the vendor.
        public var status: RoleStatus
        /// The closest role that does exist, when this one does not.
        public var suggestion: String?
        /// Why it failed, or a note.
        public var message: String?

        /// Creates a check; `project`, `suggestion` and `message` are optional detail.
        public init(
            source: String, role: String, vendorRole: String?, scope: String, project: String? = nil,
            status: RoleStatus, suggestion: String? = nil, message: String? = nil
        ) {
            self.source = source
            self.role = role
            self.vendorRole = vendorRole
            self.scope = scope
            self.project = project
            self.status = status
            self.suggestion = suggestion
            self.message = message
        }
    }

    /// One vendor instance.
    public struct Vendor: Sendable, Hashable {
        /// The instance name (`confident`).
        public var name: String
        /// The kind (`confident-ai`).
        public var kind: String
        /// The base URL the read calls went to, from the instance's configuration.
        public var baseURL: String
        /// The environment variable holding the key (its name, never its value).
        public var apiKeyEnv: String
        /// How the vendor answered the read call made with the key.
        public var key: KeyStatus
        /// The HTTP status of the failed call, if it got one.
        public var httpStatus: Int?
        /// What went wrong with the call (redacted), or `nil`.
        public var error: String?
        /// `vendor` (read from the vendor's API) or `documented` (a fixed, documented set).
        public var rolesSource: String
        /// The project roles grants are resolved against (PostHog: organization levels);
        /// `nil` when they could not be read.
        public var roles: [String]?
        /// The organization roles, where the vendor has separate ones; `nil` otherwise.
        public var organizationRoles: [String]?
        /// The instance's role checks, in the order `roles`, `policy`, `default`,
        /// `organization_invite`.
        public var roleChecks: [RoleCheck]
        /// The configured (or default) shared budget.
        public var requestsPerSecond: Double
        /// The burst of that budget: how many calls may go back to back.
        public var burst: Int
        /// Rate-limit headers of the read calls' answers, names lower-cased (empty: none sent).
        public var advertised: [String: String]
        /// The most the budget may learn up to (`rate.max_requests_per_second`, else its first
        /// window's configured rate).
        public var maximumRequestsPerSecond: Double?
        /// The rate those headers advertise (``AdvertisedLimit``), if they state one.
        public var advertisedRequestsPerSecond: Double?
        /// Where the shared budget's first window settles while the vendor advertises that:
        /// `min(advertised, maximum)` (``LearnedBudget``); `nil` when nothing is advertised.
        public var learnedRequestsPerSecond: Double?

        /// Creates a vendor entry; the rate-learning fields (``maximumRequestsPerSecond`` and those
        /// after it) start `nil`.
        public init(
            name: String, kind: String, baseURL: String, apiKeyEnv: String, key: KeyStatus, httpStatus: Int? = nil,
            error: String? = nil, rolesSource: String, roles: [String]?, organizationRoles: [String]? = nil,
            roleChecks: [RoleCheck] = [], requestsPerSecond: Double, burst: Int, advertised: [String: String] = [:]
        ) {
            self.name = name
            self.kind = kind
            self.baseURL = baseURL
            self.apiKeyEnv = apiKeyEnv
            self.key = key
            self.httpStatus = httpStatus
            self.error = error
            self.rolesSource = rolesSource
            self.roles = roles
            self.organizationRoles = organizationRoles
            self.roleChecks = roleChecks
            self.requestsPerSecond = requestsPerSecond
            self.burst = burst
            self.advertised = advertised
        }

        /// The key works (or is not needed) and no role is unknown.
        public var ok: Bool { !key.failed && !roleChecks.contains { $0.status == .unknown } }

        /// The role checks that fail.
        public var failedRoles: [RoleCheck] { roleChecks.filter { $0.status == .unknown } }
    }
}
