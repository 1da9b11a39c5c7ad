extension RosterConfiguration {
    /// One vendor instance: which API it speaks, where, and with which credential.
    public struct Vendor: Sendable, Hashable, Codable {
        public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
            case openai
            case posthog
            case confidentAI = "confident-ai"
            case relevanceAI = "relevance-ai"
        }

        public var kind: Kind
        public var baseURL: String
        /// The environment variable that holds the API key. The key itself is never in the file.
        public var apiKeyEnv: String
        public var organizationID: String?
        public var projectID: String?
        /// Shared rate budget for this credential, across all worker processes.
        public var rate: Rate?
        public var retry: Retry?
        /// Roster role name → the vendor's own role name (e.g. `member: "1"` for PostHog levels).
        public var roles: [String: String]?

        public init(kind: Kind, baseURL: String, apiKeyEnv: String, organizationID: String? = nil, projectID: String? = nil, rate: Rate? = nil, retry: Retry? = nil, roles: [String: String]? = nil) {
            self.kind = kind
            self.baseURL = baseURL
            self.apiKeyEnv = apiKeyEnv
            self.organizationID = organizationID
            self.projectID = projectID
            self.rate = rate
            self.retry = retry
            self.roles = roles
        }

        enum CodingKeys: String, CodingKey {
            case kind, rate, retry, roles
            case baseURL = "base_url"
            case apiKeyEnv = "api_key_env"
            case organizationID = "organization_id"
            case projectID = "project_id"
        }
    }

    /// A GCRA budget: `requestsPerSecond` sustained, `burst` at once.
    public struct Rate: Sendable, Hashable, Codable {
        public var requestsPerSecond: Double
        public var burst: Int

        public init(requestsPerSecond: Double, burst: Int) {
            self.requestsPerSecond = requestsPerSecond
            self.burst = burst
        }

        enum CodingKeys: String, CodingKey {
            case requestsPerSecond = "requests_per_second"
            case burst
        }
    }

    /// Full-jitter exponential backoff: attempt n waits random(0, min(cap, base × 2^n)).
    public struct Retry: Sendable, Hashable, Codable {
        public var baseMs: Int
        public var capMs: Int
        public var maxAttempts: Int

        public init(baseMs: Int, capMs: Int, maxAttempts: Int) {
            self.baseMs = baseMs
            self.capMs = capMs
            self.maxAttempts = maxAttempts
        }

        enum CodingKeys: String, CodingKey {
            case baseMs = "base_ms"
            case capMs = "cap_ms"
            case maxAttempts = "max_attempts"
        }
    }

    /// A policy rule: employees matching every given attribute get the grants.
    public struct PolicyRule: Sendable, Hashable, Codable {
        public struct Match: Sendable, Hashable, Codable {
            public var department: String?
            public var title: String?

            public init(department: String? = nil, title: String? = nil) {
                self.department = department
                self.title = title
            }
        }

        public var match: Match
        public var grant: [AccessGrant]

        public init(match: Match, grant: [AccessGrant]) {
            self.match = match
            self.grant = grant
        }
    }
}
