// MARK: - Defaults (README "Retries and rate limits")

extension RosterConfiguration.Rate {
    /// The budget Roster uses for a vendor kind when `rate:` is left out: well inside what each
    /// vendor documents or tolerates, with room for a burst of 10.
    ///
    /// - OpenAI: 5 requests/s, burst 10 (Admin API limits are undocumented; be modest).
    /// - PostHog: 8 requests/s (its 480/minute for organization endpoints), burst 10.
    /// - Confident AI: 5 requests/s, burst 10 (no documented limit).
    /// - Relevance AI: 5 requests/s, burst 10 (no documented limit).
    /// - No-op: 1000 requests/s, burst 1000 (it never calls anything).
    public static func `default`(for kind: RosterConfiguration.Vendor.Kind) -> Self {
        switch kind {
        case .openai: Self(requestsPerSecond: 5, burst: 10)
        case .posthog: Self(requestsPerSecond: 8, burst: 10)
        case .confidentAI: Self(requestsPerSecond: 5, burst: 10)
        case .relevanceAI: Self(requestsPerSecond: 5, burst: 10)
        // Makes no calls; the budget is never drawn on.
        case .noop: Self(requestsPerSecond: 1000, burst: 1000)
        }
    }

    /// This budget as the limiter's arithmetic.
    ///
    /// - Important: Needs `requestsPerSecond > 0` and `burst ≥ 1` (checked by
    ///   ``RosterConfiguration/Vendor/problems(name:)``); ``GCRA`` traps otherwise.
    public var gcra: GCRA { GCRA(requestsPerSecond: requestsPerSecond, burst: burst) }
}

extension RosterConfiguration.Retry {
    /// Base 1 s, cap 5 min, 8 attempts: the first retries come quickly, a vendor outage of
    /// several minutes is ridden out, and a job is dead after roughly ten minutes of failures.
    public static let `default` = Self(baseMs: 1000, capMs: 300_000, maxAttempts: 8)

    /// These settings as the policy the executor applies.
    public var policy: RetryPolicy {
        RetryPolicy(base: .milliseconds(baseMs), cap: .milliseconds(capMs), maxAttempts: maxAttempts)
    }
}

extension RosterConfiguration.Breaker {
    /// Open after 5 consecutive failures, probe again after 30 s.
    public static let `default` = Self(failureThreshold: 5, openSeconds: 30)

    /// A closed breaker with these settings (the state the worker starts from).
    public func makeCircuitBreaker() -> CircuitBreaker {
        CircuitBreaker(failureThreshold: failureThreshold, openDuration: openDuration)
    }
}

extension RosterConfiguration.Vendor {
    /// `rate:` when configured, else the kind's default (``RosterConfiguration/Rate/default(for:)``).
    public var effectiveRate: RosterConfiguration.Rate { rate ?? .default(for: kind) }

    /// `retry:` when configured (missing fields defaulted), else ``RosterConfiguration/Retry/default``.
    public var effectiveRetry: RetryPolicy { (retry ?? .default).policy }

    /// `breaker:` when configured (missing fields defaulted), else ``RosterConfiguration/Breaker/default``.
    public var effectiveBreaker: RosterConfiguration.Breaker { breaker ?? .default }

    /// What is wrong with this vendor's settings, as `vendors.<name>.<field>: <problem>` lines;
    /// empty when nothing is. Checks what needs no I/O: required ids per kind and value ranges.
    /// Whether `base_url` parses and the key variable is set are for the caller to check.
    ///
    /// - Parameter name: The instance name, for the messages.
    public func problems(name: String) -> [String] {
        // The ranges keep the limiter's and breaker's integer arithmetic from overflowing.
        let path = "vendors.\(name)"
        var problems: [String] = []
        if apiKeyEnv.isEmpty, kind != .noop { problems.append("\(path).api_key_env: must name an environment variable") }
        if kind == .posthog || kind == .relevanceAI, organizationID?.isEmpty ?? true {
            problems.append("\(path).organization_id: required for \(kind.rawValue)")
        }
        if kind == .relevanceAI, projectID?.isEmpty ?? true {
            problems.append("\(path).project_id: required for relevance-ai (it authenticates account-wide calls)")
        }
        if let rate {
            if !(Self.requestsPerSecondRange ~= rate.requestsPerSecond) {
                problems.append("\(path).rate.requests_per_second: must be between 0.001 and 1000000")
            }
            if rate.burst < 1 { problems.append("\(path).rate.burst: must be at least 1") }
        }
        if let retry {
            if retry.baseMs < 1 { problems.append("\(path).retry.base_ms: must be at least 1") }
            if retry.capMs < retry.baseMs { problems.append("\(path).retry.cap_ms: must be at least base_ms") }
            if retry.capMs > Self.maximumMilliseconds { problems.append("\(path).retry.cap_ms: must be at most a day") }
            if retry.maxAttempts < 1 { problems.append("\(path).retry.max_attempts: must be at least 1") }
        }
        if let breaker {
            if breaker.failureThreshold < 1 {
                problems.append("\(path).breaker.failure_threshold: must be at least 1")
            }
            if !(Self.openSecondsRange ~= breaker.openSeconds) {
                problems.append("\(path).breaker.open_seconds: must be more than 0 and at most a day")
            }
        }
        for (role, vendorRole) in (roles ?? [:]).sorted(by: { $0.key < $1.key }) where vendorRole.isEmpty {
            problems.append("\(path).roles.\(role): must name a \(kind.rawValue) role")
        }
        return problems
    }

    static let requestsPerSecondRange = 0.001...1_000_000.0
    static let openSecondsRange = 0.001...86_400.0
    static let maximumMilliseconds = 86_400_000
}
