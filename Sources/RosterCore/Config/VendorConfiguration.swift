extension RosterConfiguration {
    /// One vendor instance: which API it speaks, where, and with which credential.
    public struct Vendor: Sendable, Hashable, Codable {
        public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
            case openai
            case posthog
            case confidentAI = "confident-ai"
            case relevanceAI = "relevance-ai"
            /// Succeeds every step at once without any HTTP and touches nothing: for benchmarks
            /// of the engine and for dry runs of the pipeline. `base_url` and `api_key_env` may
            /// be left out.
            case noop
        }

        public var kind: Kind
        public var baseURL: String
        /// The environment variable that holds the API key. The key itself is never in the file.
        public var apiKeyEnv: String
        public var organizationID: String?
        public var projectID: String?
        /// Shared rate budget for this credential, across all worker processes; `nil` means the
        /// kind's default (``effectiveBudget``).
        public var rate: Rate?
        /// Windows of the vendor's published limits (`480 per minute`), all of which must admit
        /// each call, together with ``rate`` when that is given too; `nil` with ``rate`` `nil`
        /// means the kind's default (``effectiveBudget``).
        public var rateWindows: [RateWindow]?
        /// Backoff and attempts; `nil` means ``Retry/default`` (``effectiveRetry``).
        public var retry: Retry?
        /// When this vendor's circuit breaker opens; `nil` means ``Breaker/default``
        /// (``effectiveBreaker``).
        public var breaker: Breaker?
        /// Roster role name → the vendor's own role name (e.g. `admin: Manager` for Confident AI),
        /// on top of the defaults in ``RoleMapping``.
        public var roles: [String: String]?
        /// Batching of invitations across jobs (PostHog, Confident AI); `nil` means
        /// ``Batch/default``.
        public var batch: Batch?
        /// Confident AI: how long a new person has to accept the organization invitation before
        /// their project access fails for good (`acceptance_window_days`; fractions allowed, so
        /// tests can use seconds); `nil` means 14 days (``effectiveAcceptanceWindow``).
        public var acceptanceWindowDays: Double?

        public init(
            kind: Kind,
            baseURL: String,
            apiKeyEnv: String,
            organizationID: String? = nil,
            projectID: String? = nil,
            rate: Rate? = nil,
            retry: Retry? = nil,
            roles: [String: String]? = nil,
            breaker: Breaker? = nil,
            batch: Batch? = nil,
            rateWindows: [RateWindow]? = nil,
            acceptanceWindowDays: Double? = nil
        ) {
            self.acceptanceWindowDays = acceptanceWindowDays
            self.batch = batch
            self.rateWindows = rateWindows
            self.kind = kind
            self.baseURL = baseURL
            self.apiKeyEnv = apiKeyEnv
            self.organizationID = organizationID
            self.projectID = projectID
            self.rate = rate
            self.retry = retry
            self.breaker = breaker
            self.roles = roles
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            kind = try container.decode(Kind.self, forKey: .kind)
            // A no-op vendor calls nothing, so it needs neither an address nor a key.
            if kind == .noop {
                baseURL = try container.decodeIfPresent(String.self, forKey: .baseURL) ?? "noop:"
                apiKeyEnv = try container.decodeIfPresent(String.self, forKey: .apiKeyEnv) ?? ""
            } else {
                baseURL = try container.decode(String.self, forKey: .baseURL)
                apiKeyEnv = try container.decode(String.self, forKey: .apiKeyEnv)
            }
            organizationID = try container.decodeIfPresent(String.self, forKey: .organizationID)
            projectID = try container.decodeIfPresent(String.self, forKey: .projectID)
            rate = try container.decodeIfPresent(Rate.self, forKey: .rate)
            rateWindows = try container.decodeIfPresent([RateWindow].self, forKey: .rateWindows)
            retry = try container.decodeIfPresent(Retry.self, forKey: .retry)
            breaker = try container.decodeIfPresent(Breaker.self, forKey: .breaker)
            roles = try container.decodeIfPresent([String: String].self, forKey: .roles)
            batch = try container.decodeIfPresent(Batch.self, forKey: .batch)
            acceptanceWindowDays = try container.decodeIfPresent(Double.self, forKey: .acceptanceWindowDays)
        }

        /// The acceptance window in seconds (default 14 days).
        public var effectiveAcceptanceWindow: Double { (acceptanceWindowDays ?? 14) * 86_400 }

        enum CodingKeys: String, CodingKey {
            case kind, rate, retry, breaker, roles, batch
            case baseURL = "base_url"
            case apiKeyEnv = "api_key_env"
            case organizationID = "organization_id"
            case projectID = "project_id"
            case rateWindows = "rate_windows"
            case acceptanceWindowDays = "acceptance_window_days"
        }
    }

    /// A GCRA budget: `requestsPerSecond` sustained, `burst` at once.
    public struct Rate: Sendable, Hashable, Codable {
        public var requestsPerSecond: Double
        public var burst: Int
        /// How far the budget may rise when the vendor advertises more (`x-ratelimit-*`,
        /// `RateLimit-Policy`; ``LearnedBudget``); `nil` means `requestsPerSecond`, so learning
        /// only ever lowers the budget to what the vendor advertises. Never below
        /// `requestsPerSecond`.
        public var maxRequestsPerSecond: Double?

        public init(requestsPerSecond: Double, burst: Int, maxRequestsPerSecond: Double? = nil) {
            self.requestsPerSecond = requestsPerSecond
            self.burst = burst
            self.maxRequestsPerSecond = maxRequestsPerSecond
        }

        enum CodingKeys: String, CodingKey {
            case requestsPerSecond = "requests_per_second"
            case burst
            case maxRequestsPerSecond = "max_requests_per_second"
        }
    }

    /// Full-jitter exponential backoff: attempt n waits random(0, min(cap, base × 2^n)).
    /// Fields left out of the file take their value from ``default``.
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

        public init(from decoder: any Decoder) throws {
            let d = Retry.default
            let c = try decoder.container(keyedBy: CodingKeys.self)
            baseMs = try c.decodeIfPresent(Int.self, forKey: .baseMs) ?? d.baseMs
            capMs = try c.decodeIfPresent(Int.self, forKey: .capMs) ?? d.capMs
            maxAttempts = try c.decodeIfPresent(Int.self, forKey: .maxAttempts) ?? d.maxAttempts
        }
    }

    /// A vendor's circuit breaker: open after `failureThreshold` consecutive failures that say
    /// something about the vendor's health, probe again after `openSeconds`.
    /// Fields left out of the file take their value from ``default``.
    public struct Breaker: Sendable, Hashable, Codable {
        public var failureThreshold: Int
        public var openSeconds: Double

        public init(failureThreshold: Int, openSeconds: Double) {
            self.failureThreshold = failureThreshold
            self.openSeconds = openSeconds
        }

        /// ``openSeconds`` as a duration, to the millisecond.
        public var openDuration: Duration { .milliseconds(Int64((openSeconds * 1000).rounded())) }

        enum CodingKeys: String, CodingKey {
            case failureThreshold = "failure_threshold"
            case openSeconds = "open_seconds"
        }

        public init(from decoder: any Decoder) throws {
            let d = Breaker.default
            let c = try decoder.container(keyedBy: CodingKeys.self)
            failureThreshold = try c.decodeIfPresent(Int.self, forKey: .failureThreshold) ?? d.failureThreshold
            openSeconds = try c.decodeIfPresent(Double.self, forKey: .openSeconds) ?? d.openSeconds
        }
    }

    /// How a vendor's invitations are coalesced across the jobs one process runs at the same time
    /// (PostHog bulk invites, Confident AI `emails[]`): a batch goes out when `max_items` wait or
    /// the first has waited `linger_ms`. Fields left out take their value from ``default``.
    public struct Batch: Sendable, Hashable, Codable {
        public var enabled: Bool
        public var lingerMs: Int
        public var maxItems: Int

        public init(enabled: Bool = true, lingerMs: Int = 100, maxItems: Int = 20) {
            self.enabled = enabled
            self.lingerMs = lingerMs
            self.maxItems = maxItems
        }

        /// On, 100 ms, 20 items (PostHog's bulk limit).
        public static let `default` = Batch()

        enum CodingKeys: String, CodingKey {
            case enabled
            case lingerMs = "linger_ms"
            case maxItems = "max_items"
        }

        public init(from decoder: any Decoder) throws {
            let d = Batch.default
            let c = try decoder.container(keyedBy: CodingKeys.self)
            enabled = try c.decodeIfPresent(Bool.self, forKey: .enabled) ?? d.enabled
            lingerMs = try c.decodeIfPresent(Int.self, forKey: .lingerMs) ?? d.lingerMs
            maxItems = try c.decodeIfPresent(Int.self, forKey: .maxItems) ?? d.maxItems
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
