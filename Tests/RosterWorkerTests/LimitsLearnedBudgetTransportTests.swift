import Logging
import Prometheus
import RosterCore
import RosterPostgres
import RosterTesting
import RosterVendors
import Testing

@testable import RosterWorker

/// A governed transport learning from a fake that advertises its limit, the figure in
/// `roster status`'s JSON and in the metric. Proven by stored values and counts, never by
/// wall-clock bounds.
@Suite(.timeLimit(.minutes(10)), .requiresPostgres)
struct LimitsLearnedBudgetTransportTests {
    static let key = "openai:fake:OPENAI_ADMIN_KEY"

    static func governed(
        _ base: any VendorTransport, pool: PostgresPool, rate: GCRA, learning: LearnedBudget
    ) -> GovernedTransport {
        GovernedTransport(
            base: base,
            configuration: .init(vendor: "openai", limiterKey: key, budget: RateBudget(rate), learning: learning),
            limiter: RateLimiterStore(pool: pool),
            breakers: CircuitBreakerStore(
                pool: pool, policies: ["openai": .init(failureThreshold: 3, openDuration: .seconds(1))]),
            logger: LimitsFixture.quietLogger
        )
    }

    /// The vendor advertises 2 per second (IETF structured) under Roster's 5/s: the first answer
    /// drops the shared budget to 2/s, and nothing raises it again.
    @Test func aLowerAdvertisedFigureLowersTheBudgetAtOnce() async throws {
        try await LimitsFixture.withPools(1) { pools in
            try await LimitsFixture.withFakeOpenAI { fake, http in
                let rate = GCRA(requestsPerSecond: 5, burst: 1)
                let transport = Self.governed(
                    http, pool: pools[0], rate: rate, learning: LearnedBudget(shortestInterval: rate.emissionInterval))
                fake.setRateLimit(FakeRateLimit(requests: 2, per: .seconds(1), advertising: .ietf))
                _ = try await CallPriority.$current.withValue(.revocation) {
                    try await transport.send(LimitsFixture.listUsers)
                }
                let after = try #require(try await RateLimiterStore(pool: pools[0]).snapshot().first)
                #expect(after.rate.emissionInterval == .milliseconds(500))
                #expect(after.configuredInterval == .milliseconds(200))
                #expect(after.advertisedPerSecond == 2)
                #expect(transport.counters.learned == 1)
            }
        }
    }

    /// 10/s advertised (older IETF fields), 5/s configured, at most 8/s: the budget climbs in
    /// steps and settles at 8, never above it; status JSON and the metric say configured 5,
    /// learned 8.
    @Test func aHigherAdvertisedFigureRaisesTheBudgetUpToTheMaximumOnly() async throws {
        try await LimitsFixture.withPools(1) { pools in
            try await LimitsFixture.withFakeOpenAI { fake, http in
                let rate = GCRA(requestsPerSecond: 5, burst: 10)
                let learning = LearnedBudget(maximumRequestsPerSecond: 8, raiseInterval: .milliseconds(1))
                let transport = Self.governed(http, pool: pools[0], rate: rate, learning: learning)
                fake.setRateLimit(FakeRateLimit(requests: 10, per: .seconds(1), advertising: .ietfDraft))
                let store = RateLimiterStore(pool: pools[0])
                var seen: [Double] = []
                for _ in 0..<40 {
                    _ = try await CallPriority.$current.withValue(.revocation) {
                        try await transport.send(LimitsFixture.listUsers)
                    }
                    let rate = try #require(try await store.snapshot().first).requestsPerSecond
                    #expect(rate <= 8 && rate <= 10)
                    if seen.last != rate { seen.append(rate) }
                }
                #expect(seen.last == 8, "\(seen)")
                #expect(seen.count >= 3, "in steps, not at once: \(seen)")
                #expect(zip(seen, seen.dropFirst()).allSatisfy { $0 < $1 }, "\(seen)")

                let registry = PrometheusCollectorRegistry()
                let refresher = MetricsRefresher(
                    pool: pools[0], vendors: ["openai"], observer: nil, interval: .seconds(60),
                    metrics: RosterMetrics(registry: registry), logger: LimitsFixture.quietLogger
                )
                await refresher.refresh()
                var buffer: [UInt8] = []
                registry.emit(into: &buffer)
                let text = try PrometheusText(String(decoding: buffer, as: UTF8.self))
                let name = RosterMetrics.Name.rateBudget
                #expect(text.values(name, where: ["vendor": "openai", "source": "configured"]) == [5])
                #expect(text.values(name, where: ["vendor": "openai", "source": "learned"]) == [8])

                let limiter = try #require(try await store.snapshot().first)
                let status = StatusReport.Vendor(name: "openai", configured: true, limiters: [limiter], breaker: nil)
                #expect(StatusReport.learned(status.limiters[0]) == "8 (advertised 10, max 8)")
            }
        }
    }
}
