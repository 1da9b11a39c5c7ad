import RosterCore
import Testing

@testable import RosterWorker

@Suite struct ConfigurationLoaderVendorTests {
    let loader = ConfigurationLoader(environment: [:])

    func failure(_ yaml: String) -> String? {
        do {
            let configuration = try loader.parse(yaml: yaml)
            try loader.validate(configuration)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func breakerRetryAndRatesDecodeWithDefaultsForMissingFields() throws {
        let configuration = try loader.parse(
            yaml: """
                vendors:
                  posthog:
                    kind: posthog
                    base_url: "https://eu.posthog.com"
                    organization_id: org
                    api_key_env: PH
                    retry: {cap_ms: 60000}
                    breaker: {failure_threshold: 3}
                    roles: {admin: owner}
                  openai: {kind: openai, base_url: "https://api.openai.com/v1", api_key_env: OA}
                """
        )
        try loader.validate(configuration)
        let posthog = try #require(configuration.vendors["posthog"])
        #expect(posthog.effectiveRetry == RetryPolicy(base: .seconds(1), cap: .seconds(60), maxAttempts: 8))
        #expect(posthog.effectiveBreaker == .init(failureThreshold: 3, openSeconds: 30))
        #expect(
            posthog.effectiveBudget
                == RateBudget(windows: [
                    GCRA(limit: 480, per: .seconds(60), burst: 10),
                    GCRA(limit: 4_800, per: .seconds(3_600), burst: 480),
                ]))
        #expect(posthog.roles == ["admin": "owner"])
        #expect(configuration.vendors["openai"]?.breaker == nil)
    }

    @Test func rateWindowsDecodeFromYAMLAndAreRangeChecked() throws {
        let configuration = try loader.parse(
            yaml: """
                vendors:
                  posthog:
                    kind: posthog
                    base_url: "https://eu.posthog.com"
                    organization_id: org
                    api_key_env: PH
                    rate_windows:
                      - {limit: 480, per: minute}
                      - {limit: 4800, per: hour, burst: 480}
                      - {limit: 3, per: 2.5}
                """
        )
        try loader.validate(configuration)
        let windows = try #require(configuration.vendors["posthog"]?.effectiveBudget.windows)
        #expect(
            Array(windows.prefix(2))
                == RateBudget(windows: RosterConfiguration.RateWindow.defaults(for: .posthog)!.map(\.gcra)).windows)
        #expect(windows.last == GCRA(limit: 3, per: .milliseconds(2_500), burst: 3))
        let bad = failure(
            """
            vendors:
              ph: {kind: posthog, base_url: "https://p", organization_id: o, api_key_env: PH,
                   rate_windows: [{limit: 10, per: hour, burst: 11}]}
            """
        )
        #expect(
            bad?.contains("vendors.ph.rate_windows[0].burst: 11 is out of range 1...10") == true, "\(bad ?? "accepted")"
        )
    }

    @Test func kindSpecificIdsAreRequired() {
        let message = failure(
            """
            vendors:
              posthog: {kind: posthog, base_url: "https://us.posthog.com", api_key_env: PH}
              relevance: {kind: relevance-ai, base_url: "https://r.example/latest", organization_id: o, api_key_env: RL}
            """
        )
        #expect(
            message == "invalid configuration: vendors.posthog.organization_id: required for posthog; "
                + "vendors.relevance.project_id: required for relevance-ai (it authenticates account-wide calls)"
        )
    }

    @Test func policyRolesMustBeKnownToTheirVendorButRolesMayMapAnything() {
        let vendors = """
            vendors:
              openai: {kind: openai, base_url: "https://api.openai.com/v1", api_key_env: OA, roles: {analyst: member}}
              confident: {kind: confident-ai, base_url: "https://api.confident-ai.com", api_key_env: CF}
            """
        #expect(
            failure(
                vendors + """

                    policy:
                      - {match: {department: R}, grant: [{vendor: openai, project: a, role: analyst}]}
                      - match: {title: Lead}
                        grant:
                          - {vendor: confident, project: e, role: Manager}
                          - {vendor: openai, project: a, role: admin}
                    """
            ) == nil
        )
        #expect(
            failure(
                vendors + """

                    policy:
                      - match: {department: R}
                        grant:
                          - {vendor: openai, project: a, role: member}
                          - {vendor: openai, project: b, role: boss}
                    """
            ) == "invalid configuration: policy[0].grant[1]: role boss is not known for vendor openai "
                + "(known: admin, editor, member, owner, viewer, analyst)"
        )
    }

    @Test func outOfRangeValuesAreRefused() {
        let message = failure(
            """
            vendors:
              openai:
                kind: openai
                base_url: "https://api.openai.com/v1"
                api_key_env: OA
                rate: {requests_per_second: 0, burst: 10}
                breaker: {failure_threshold: 0, open_seconds: 30}
            """
        )
        #expect(
            message
                == "invalid configuration: vendors.openai.rate.requests_per_second: must be between 0.001 and 1000000; "
                + "vendors.openai.breaker.failure_threshold: must be at least 1"
        )
    }

    /// Issue 12, hole 9: every numeric setting is range-checked at start-up, naming the key.
    @Test(arguments: [
        ("kafka", "session_timeout_ms", "0"), ("database", "pool_size", "0"), ("http", "metrics_refresh_ms", "99"),
        ("executor", "concurrency", "0"), ("executor", "lease_seconds", "0"), ("executor", "lease_seconds", "100000"),
        ("executor", "poll_ms", "0"), ("ingest", "batch_size", "0"), ("ingest", "batch_wait_ms", "0"),
        ("ingest", "max_message_bytes", "10"),
    ])
    func everyNumericSettingOutOfRangeIsRefusedByName(section: String, key: String, value: String) {
        let message = failure("\(section):\n  \(key): \(value)\n")
        #expect(message?.contains("\(section).\(key): \(value) is out of range") == true, "\(message ?? "accepted")")
    }

    @Test func vendorBatchSettingsAreRangeChecked() {
        let message = failure(
            """
            vendors:
              ph:
                kind: posthog
                base_url: "https://us.posthog.com"
                organization_id: org
                api_key_env: PH
                batch: {linger_ms: -1, max_items: 0}
            """
        )
        #expect(
            message?.contains("vendors.ph.batch.linger_ms: -1 is out of range 0...60000") == true,
            "\(message ?? "accepted")")
        #expect(
            message?.contains("vendors.ph.batch.max_items: 0 is out of range 1...1000") == true,
            "\(message ?? "accepted")")
    }

    @Test func theAcceptanceWindowIsRangeChecked() {
        let message = failure(
            """
            vendors:
              cf:
                kind: confident-ai
                base_url: "https://api.confident-ai.com"
                api_key_env: CF
                acceptance_window_days: 400
            """
        )
        #expect(
            message?.contains("vendors.cf.acceptance_window_days: 400 is out of range 0.0001...365") == true,
            "\(message ?? "accepted")")
    }

    @Test func theDefaultsAreInRange() {
        #expect(RosterConfiguration().rangeProblems.isEmpty)
    }
}
