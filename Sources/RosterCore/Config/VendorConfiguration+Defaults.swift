// MARK: - Defaults (README "Retries and rate limits")

extension RosterConfiguration.Rate {
    /// The `rate:` Roster uses for a vendor kind when neither `rate:` nor `rate_windows:` is
    /// given (`nil`: the kind defaults to ``RosterConfiguration/RateWindow/defaults(for:)``
    /// instead): well inside what each vendor documents or tolerates, with room for a burst of 10.
    ///
    /// - OpenAI: 5 requests/s, burst 10 (Admin API limits are undocumented; be modest).
    /// - PostHog: none; its two published windows instead.
    /// - Confident AI: 5 requests/s, burst 10 (no documented limit).
    /// - Relevance AI: 5 requests/s, burst 10 (no documented limit).
    /// - No-op: 1000 requests/s, burst 1000 (it never calls anything).
    public static func `default`(for kind: RosterConfiguration.Vendor.Kind) -> Self? {
        switch kind {
        case .openai: Self(requestsPerSecond: 5, burst: 10)
        case .posthog: nil
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

extension RosterConfiguration.RateWindow {
    /// The `rate_windows:` Roster uses for a vendor kind when neither `rate:` nor `rate_windows:`
    /// is given; `nil` for kinds that default to one ``RosterConfiguration/Rate``.
    ///
    /// - PostHog: its published per-key limits, **480/minute and 4,800/hour** (PostHog/posthog
    ///   `posthog/rate_limit.py`, `BurstRateThrottle` and `SustainedRateThrottle`: sliding logs
    ///   that refuse a call when the window already holds `limit`). The minute window bursts 10
    ///   and then admits 7.85/s; the hour window bursts up to 480 (a minute's worth, at the minute
    ///   window's pace) and sustains 1.2/s: 90 % of the 1.33/s maximum, bought for absorbing a
    ///   spike of 480 calls in about a minute instead of six.
    public static func defaults(for kind: RosterConfiguration.Vendor.Kind) -> [Self]? {
        switch kind {
        case .posthog: [Self(limit: 480, perSeconds: 60), Self(limit: 4_800, perSeconds: 3_600, burst: 480)]
        case .openai, .confidentAI, .relevanceAI, .noop: nil
        }
    }
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
    /// The limiter's windows: `rate:` (first) and `rate_windows:` as configured; when neither is,
    /// the kind's default (``RosterConfiguration/Rate/default(for:)`` and
    /// ``RosterConfiguration/RateWindow/defaults(for:)``).
    ///
    /// - Important: Needs the ranges ``problems(name:)`` checks; ``RateBudget`` and ``GCRA`` trap
    ///   otherwise (an empty `rate_windows:` with no `rate:`, for one).
    public var effectiveBudget: RateBudget {
        let configured = rate != nil || rateWindows != nil
        let rate = configured ? rate : .default(for: kind)
        let windows = configured ? rateWindows : RosterConfiguration.RateWindow.defaults(for: kind)
        return RateBudget(windows: (rate.map { [$0.gcra] } ?? []) + (windows ?? []).map(\.gcra))
    }

    /// The learning rule for the budget's first window (``LearnedBudget``): it may rise up to
    /// `rate.max_requests_per_second` when that is set, else only up to the first window's
    /// configured rate (learning then only lowers it to what the vendor advertises).
    ///
    /// - Important: Needs the ranges ``problems(name:)`` checks, as ``effectiveBudget`` does.
    public var effectiveLearning: LearnedBudget {
        let configured = effectiveBudget.windows[0].emissionInterval
        guard let maximum = rate?.maxRequestsPerSecond, maximum > 0, maximum.isFinite else {
            return LearnedBudget(shortestInterval: configured)
        }
        return LearnedBudget(
            shortestInterval: min(configured, LearnedBudget.emissionInterval(forRequestsPerSecond: maximum))
        )
    }

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
        if apiKeyEnv.isEmpty, kind != .noop {
            problems.append("\(path).api_key_env: must name an environment variable")
        }
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
            if let maximum = rate.maxRequestsPerSecond {
                if !(Self.requestsPerSecondRange ~= maximum) {
                    problems.append("\(path).rate.max_requests_per_second: must be between 0.001 and 1000000")
                } else if maximum < rate.requestsPerSecond {
                    problems.append("\(path).rate.max_requests_per_second: must be at least requests_per_second")
                }
            }
        }
        if let windows = rateWindows {
            if windows.isEmpty && rate == nil {
                problems.append("\(path).rate_windows: must list at least one window (or leave it out)")
            }
            if windows.count + (rate == nil ? 0 : 1) > RateBudget.maximumWindows {
                problems.append("\(path).rate_windows: at most \(RateBudget.maximumWindows) windows, rate included")
            }
            for (index, window) in windows.enumerated() {
                problems += window.settingRanges(path: "\(path).rate_windows[\(index)]").compactMap(\.problem)
            }
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
