import Foundation
import RosterCore
import Testing

/// `rate_windows:` in the configuration: decoding, defaults and range checks.
@Suite struct RateWindowConfigurationTests {
    typealias Vendor = RosterConfiguration.Vendor

    func decode(_ json: String) throws -> Vendor {
        try JSONDecoder().decode(Vendor.self, from: Data(json.utf8))
    }

    @Test func postHogDefaultsToBothPublishedWindows() {
        let posthog = Vendor(kind: .posthog, baseURL: "https://p", apiKeyEnv: "K", organizationID: "o")
        #expect(
            RosterConfiguration.RateWindow.defaults(for: .posthog) == [
                .init(limit: 480, perSeconds: 60), .init(limit: 4_800, perSeconds: 3_600, burst: 480),
            ])
        #expect(posthog.effectiveBudget.windows.count == 2)
        #expect(posthog.effectiveBudget.windows[0] == GCRA(limit: 480, per: .seconds(60), burst: 10))
        #expect(posthog.effectiveBudget.windows[1] == GCRA(limit: 4_800, per: .seconds(3_600), burst: 480))
        #expect(posthog.problems(name: "posthog").isEmpty)
        for kind in [Vendor.Kind.openai, .confidentAI, .relevanceAI, .noop] {
            #expect(Vendor(kind: kind, baseURL: "https://x", apiKeyEnv: "K").effectiveBudget.windows.count == 1)
        }
    }

    @Test func windowsDecodeWithNamedOrNumericPeriods() throws {
        let vendor = try decode(
            """
            {"kind": "posthog", "base_url": "https://p", "api_key_env": "PH", "organization_id": "o",
             "rate_windows": [{"limit": 100, "per": "minute"}, {"limit": 1000, "per": "hour", "burst": 50},
                              {"limit": 3, "per": 2.5}, {"limit": 4, "per": "0.5", "burst": 4}]}
            """
        )
        #expect(
            vendor.rateWindows == [
                .init(limit: 100, perSeconds: 60), .init(limit: 1_000, perSeconds: 3_600, burst: 50),
                .init(limit: 3, perSeconds: 2.5), .init(limit: 4, perSeconds: 0.5, burst: 4),
            ])
        #expect(
            vendor.effectiveBudget.windows == [
                GCRA(limit: 100, per: .seconds(60), burst: 10), GCRA(limit: 1_000, per: .seconds(3_600), burst: 50),
                GCRA(limit: 3, per: .milliseconds(2_500), burst: 3), GCRA(limit: 4, per: .milliseconds(500), burst: 4),
            ], "the default burst is 10, or the limit when smaller; only the windows, no PostHog default")
        #expect(vendor.problems(name: "posthog").isEmpty)
        #expect(throws: DecodingError.self) {
            try decode(
                #"{"kind": "openai", "base_url": "https://o", "api_key_env": "K", "rate_windows": [{"limit": 1, "per": "fortnight"}]}"#
            )
        }
    }

    @Test func rateAndWindowsTogetherMustAllAdmit() throws {
        let vendor = try decode(
            """
            {"kind": "openai", "base_url": "https://o", "api_key_env": "K",
             "rate": {"requests_per_second": 2, "burst": 3}, "rate_windows": [{"limit": 60, "per": "minute"}]}
            """
        )
        #expect(
            vendor.effectiveBudget.windows == [
                GCRA(requestsPerSecond: 2, burst: 3), GCRA(limit: 60, per: .seconds(60), burst: 10),
            ])
    }

    @Test func outOfRangeWindowsAreNamed() {
        let vendor = Vendor(
            kind: .openai, baseURL: "https://o", apiKeyEnv: "K",
            rateWindows: [
                .init(limit: 0, perSeconds: 60), .init(limit: 10, perSeconds: 0, burst: 11),
                .init(limit: 5, perSeconds: 100_000, burst: 0),
            ]
        )
        #expect(
            vendor.problems(name: "o") == [
                "vendors.o.rate_windows[0].limit: 0 is out of range 1...1000000000 (calls per window)",
                "vendors.o.rate_windows[0].burst: 0 is out of range 1...1 (calls at once, at most limit)",
                "vendors.o.rate_windows[1].per: 0 is out of range 0.001...86400 (seconds; a millisecond to a day)",
                "vendors.o.rate_windows[1].burst: 11 is out of range 1...10 (calls at once, at most limit)",
                "vendors.o.rate_windows[2].per: 100000 is out of range 0.001...86400 (seconds; a millisecond to a day)",
                "vendors.o.rate_windows[2].burst: 0 is out of range 1...5 (calls at once, at most limit)",
            ]
        )
        let empty = Vendor(kind: .openai, baseURL: "https://o", apiKeyEnv: "K", rateWindows: [])
        #expect(
            empty.problems(name: "o") == ["vendors.o.rate_windows: must list at least one window (or leave it out)"])
        let many = Vendor(
            kind: .openai, baseURL: "https://o", apiKeyEnv: "K",
            rateWindows: Array(repeating: .init(limit: 10, perSeconds: 1), count: 9)
        )
        #expect(many.problems(name: "o") == ["vendors.o.rate_windows: at most 8 windows, rate included"])
    }
}
