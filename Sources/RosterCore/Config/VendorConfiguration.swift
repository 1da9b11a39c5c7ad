extension RosterConfiguration {
    /// One vendor instance: which API it speaks, where, and with which credential.
    public struct Vendor: Sendable, Hashable, Codable {
        /// The API a vendor instance speaks; the raw values are the file's `kind:` values.
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

        /// Which API this instance speaks, and so which connector, role vocabulary and defaults apply.
        public var kind: Kind
        /// The API's base URL, which request paths are appended to (`https://api.openai.com/v1`);
        /// `noop:` for a no-op instance that leaves `base_url` out.
        public var baseURL: String
        /// The environment variable that holds the API key. The key itself is never in the file.
        public var apiKeyEnv: String
        /// The vendor's organization id (`organization_id`): required for PostHog and Relevance AI,
        /// unused by the other kinds.
        public var organizationID: String?
        /// Relevance AI's `project_id`: the project whose key header authenticates account-wide calls
        /// (listing and creating projects). Required for Relevance AI, unused by the other kinds.
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

        /// A vendor instance built in code; every optional left `nil` means the kind's default.
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

        /// Decodes one `vendors.<name>` entry: `kind` always, `base_url` and `api_key_env` unless the kind
        /// is `noop`, everything else optional.
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
        /// Calls per second sustained (`requests_per_second`, 0.001 to 1,000,000): the GCRA emission
        /// interval is its inverse.
        public var requestsPerSecond: Double
        /// Calls that may go at once after a quiet spell (`burst`, at least 1).
        public var burst: Int
        /// How far the budget may rise when the vendor advertises more (`x-ratelimit-*`,
        /// `RateLimit-Policy`; ``LearnedBudget``); `nil` means `requestsPerSecond`, so learning
        /// only ever lowers the budget to what the vendor advertises. Never below
        /// `requestsPerSecond`.
        public var maxRequestsPerSecond: Double?

        /// A budget of `requestsPerSecond` sustained with `burst` at once, learning up to
        /// `maxRequestsPerSecond` when given.
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
        /// The first retry's ceiling in milliseconds (`base_ms`, default 1000, at least 1); each later
        /// attempt doubles it.
        public var baseMs: Int
        /// The highest ceiling any retry waits under, in milliseconds (`cap_ms`, default 300000; at
        /// least `base_ms`, at most a day). A vendor's `Retry-After` may still be longer.
        public var capMs: Int
        /// Attempts per step, the first included (`max_attempts`, default 8); when the last fails the job
        /// is `dead`. Steps deferred for the rate budget or an open breaker spend none.
        public var maxAttempts: Int

        /// Retry settings built in code; no field has a default here (see ``default``).
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

        /// Decodes `retry:`; fields left out take their value from ``default``.
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
        /// Consecutive health failures that open the breaker (`failure_threshold`, default 5, at least 1).
        public var failureThreshold: Int
        /// How long an open breaker refuses calls before it lets one probe through, in seconds
        /// (`open_seconds`, default 30; fractions allowed, more than 0 and at most a day).
        public var openSeconds: Double

        /// Breaker settings built in code; no field has a default here (see ``default``).
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

        /// Decodes `breaker:`; fields left out take their value from ``default``.
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
        /// Whether invitations are batched (`enabled`, default true). Off, or with `max_items: 1`, every
        /// invitation is its own call.
        public var enabled: Bool
        /// How long the first invitation of a batch waits for others, in milliseconds (`linger_ms`,
        /// default 100, 0 to 60000).
        public var lingerMs: Int
        /// How many waiting invitations send a batch at once (`max_items`, default 20, 1 to 1000);
        /// PostHog's batches stay within its bulk limit of 20 whatever this says.
        public var maxItems: Int

        /// Batch settings built in code; the defaults are ``default``'s.
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

        /// Decodes `batch:`; fields left out take their value from ``default``.
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
        /// What a rule matches, compared with the employee's attributes ignoring case. A match that
        /// names neither attribute matches nobody.
        public struct Match: Sendable, Hashable, Codable {
            /// The employee's department must be this (ignoring case); `nil` leaves it unchecked.
            public var department: String?
            /// The employee's title must be this (ignoring case); `nil` leaves it unchecked.
            public var title: String?

            /// A match on `department`, `title` or both.
            public init(department: String? = nil, title: String? = nil) {
                self.department = department
                self.title = title
            }
        }

        /// Which employees the rule applies to.
        public var match: Match
        /// What a matching employee gets, added to the grants of every other matching rule; roles may be
        /// Roster's or the vendor's own (``RoleMapping``).
        public var grant: [AccessGrant]

        /// A rule granting `grant` to the employees `match` selects.
        public init(match: Match, grant: [AccessGrant]) {
            self.match = match
            self.grant = grant
        }
    }
}
