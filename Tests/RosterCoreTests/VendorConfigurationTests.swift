import Foundation
import RosterCore
import Testing

@Suite struct VendorConfigurationTests {
    typealias Vendor = RosterConfiguration.Vendor

    func decode(_ json: String) throws -> Vendor {
        try JSONDecoder().decode(Vendor.self, from: Data(json.utf8))
    }

    @Test func defaultsPerKind() {
        let rates = Vendor.Kind.allCases.map { kind in
            let windows = Vendor(kind: kind, baseURL: "https://x", apiKeyEnv: "K").effectiveBudget.windows
            return "\(kind.rawValue) "
                + windows.map {
                    "\($0.emissionInterval.components.seconds * 1_000_000 + $0.emissionInterval.components.attoseconds / 1_000_000_000_000)µs×\($0.burst)"
                }.joined(separator: " ")
        }
        #expect(
            rates == [
                "openai 200000µs×10", "posthog 127389µs×10 833141µs×480", "confident-ai 200000µs×10",
                "relevance-ai 200000µs×10", "noop 1000µs×1000",
            ]
        )
        let vendor = Vendor(kind: .openai, baseURL: "https://x", apiKeyEnv: "K")
        #expect(vendor.effectiveRetry == RetryPolicy(base: .seconds(1), cap: .seconds(300), maxAttempts: 8))
        #expect(vendor.effectiveBreaker == .init(failureThreshold: 5, openSeconds: 30))
        #expect(vendor.effectiveBreaker.openDuration == .seconds(30))
        #expect(vendor.effectiveBudget == RateBudget(GCRA(requestsPerSecond: 5, burst: 10)))
    }

    @Test func configuredValuesWinAndMissingFieldsAreDefaulted() throws {
        let vendor = try decode(
            """
            {"kind": "posthog", "base_url": "https://eu.posthog.com", "api_key_env": "PH", "organization_id": "o",
             "rate": {"requests_per_second": 2, "burst": 3}, "retry": {"max_attempts": 3},
             "breaker": {"open_seconds": 1.5}, "roles": {"admin": "owner"}}
            """
        )
        #expect(
            vendor.effectiveBudget == RateBudget(GCRA(requestsPerSecond: 2, burst: 3)),
            "no PostHog windows under a rate")
        #expect(vendor.effectiveRetry == RetryPolicy(base: .seconds(1), cap: .seconds(300), maxAttempts: 3))
        #expect(vendor.effectiveBreaker == .init(failureThreshold: 5, openSeconds: 1.5))
        #expect(vendor.effectiveBreaker.openDuration == .milliseconds(1500))
        #expect(vendor.effectiveBreaker.makeCircuitBreaker().failureThreshold == 5)
        #expect(vendor.problems(name: "posthog").isEmpty)
    }

    @Test func problemsNameTheSetting() {
        let relevance = Vendor(kind: .relevanceAI, baseURL: "https://r", apiKeyEnv: "")
        #expect(
            relevance.problems(name: "rel") == [
                "vendors.rel.api_key_env: must name an environment variable",
                "vendors.rel.organization_id: required for relevance-ai",
                "vendors.rel.project_id: required for relevance-ai (it authenticates account-wide calls)",
            ]
        )
        let posthog = Vendor(
            kind: .posthog, baseURL: "https://p", apiKeyEnv: "PH", organizationID: "",
            rate: .init(requestsPerSecond: 0, burst: 0), retry: .init(baseMs: 0, capMs: -1, maxAttempts: 0),
            roles: ["admin": ""], breaker: .init(failureThreshold: 0, openSeconds: .infinity)
        )
        #expect(
            posthog.problems(name: "ph") == [
                "vendors.ph.organization_id: required for posthog",
                "vendors.ph.rate.requests_per_second: must be between 0.001 and 1000000",
                "vendors.ph.rate.burst: must be at least 1",
                "vendors.ph.retry.base_ms: must be at least 1",
                "vendors.ph.retry.cap_ms: must be at least base_ms",
                "vendors.ph.retry.max_attempts: must be at least 1",
                "vendors.ph.breaker.failure_threshold: must be at least 1",
                "vendors.ph.breaker.open_seconds: must be more than 0 and at most a day",
                "vendors.ph.roles.admin: must name a posthog role",
            ]
        )
        #expect(Vendor(kind: .openai, baseURL: "https://o", apiKeyEnv: "K").problems(name: "o").isEmpty)
        #expect(Vendor(kind: .confidentAI, baseURL: "https://c", apiKeyEnv: "K").problems(name: "c").isEmpty)
    }

    /// `rate.max_requests_per_second`: the learning bound, from the file, checked, and defaulted
    /// to the configured rate (learning then only lowers the budget).
    @Test func maxRequestsPerSecondBoundsLearning() throws {
        let learning = try decode(
            #"{"kind": "openai", "base_url": "https://o", "api_key_env": "K", "rate": {"requests_per_second": 5, "burst": 10, "max_requests_per_second": 20}}"#
        )
        #expect(learning.rate?.maxRequestsPerSecond == 20)
        #expect(learning.effectiveLearning.maximumRequestsPerSecond == 20)
        #expect(learning.problems(name: "o").isEmpty)
        let plain = Vendor(kind: .openai, baseURL: "https://o", apiKeyEnv: "K")
        #expect(plain.effectiveLearning.shortestInterval == plain.effectiveBudget.windows[0].emissionInterval)
        #expect(plain.effectiveLearning.maximumRequestsPerSecond == 5)
        let posthog = Vendor(kind: .posthog, baseURL: "https://p", apiKeyEnv: "K", organizationID: "o")
        #expect(posthog.effectiveLearning.shortestInterval == posthog.effectiveBudget.windows[0].emissionInterval)
        for (maximum, problem) in [
            (4.0, "vendors.o.rate.max_requests_per_second: must be at least requests_per_second"),
            (0, "vendors.o.rate.max_requests_per_second: must be between 0.001 and 1000000"),
            (.infinity, "vendors.o.rate.max_requests_per_second: must be between 0.001 and 1000000"),
        ] {
            let vendor = Vendor(
                kind: .openai, baseURL: "https://o", apiKeyEnv: "K",
                rate: .init(requestsPerSecond: 5, burst: 10, maxRequestsPerSecond: maximum))
            #expect(vendor.problems(name: "o") == [problem])
        }
    }
}
