import RosterCore
import RosterPostgres
import RosterTesting
import Testing

@testable import RosterWorker

/// Learned budgets in `rate_limits`: one figure for every process (each pool stands for one),
/// bounded by the configuration, kept across restarts, and still ordering leavers first. Times
/// are injected, so nothing depends on the machine's speed.
@Suite(.timeLimit(.minutes(10)), .requiresPostgres)
struct LimitsLearnedBudgetStoreTests {
    /// 5/s configured, burst 1; learning may reach 20/s.
    let budget = RateBudget(GCRA(requestsPerSecond: 5, burst: 1))
    let learning = LearnedBudget(maximumRequestsPerSecond: 20)

    @Test func oneLearnedFigureForEveryProcessNeverAboveTheAdvertisedOrTheMaximum() async throws {
        try await LimitsFixture.withPools(2) { pools in
            let stores = pools.map { RateLimiterStore(pool: $0) }
            for store in stores {
                try await store.ensure(key: "k", vendor: "openai", budget: budget, learning: learning)
            }
            let t0 = try #require(try await stores[0].snapshot().first?.now)

            // The vendor says 2/s: down at once, and the other process sees the same figure.
            let lowered = try await stores[0].learn(key: "k", advertised: 2, at: t0)
            #expect(lowered.change == .lowered && lowered.interval == .milliseconds(500))
            let seen = try #require(try await stores[1].snapshot().first)
            #expect(seen.rate.emissionInterval == .milliseconds(500))
            #expect(seen.configuredInterval == .milliseconds(200))
            #expect(seen.minimumInterval == .milliseconds(50))
            #expect(seen.advertisedPerSecond == 2)
            #expect(seen.isLearned)

            // The vendor now says 100/s: both processes observe it, a raise at most once a second
            // whoever observes, towards 20/s (the maximum), never past it.
            var rates: [Double] = []
            for tick in 1...16 {
                let store = stores[tick % 2]
                let learned = try await store.learn(
                    key: "k", advertised: 100, at: t0.adding(.milliseconds(500 * Int64(tick))))
                #expect(learned.requestsPerSecond <= 20)
                rates.append(learned.requestsPerSecond)
            }
            let raises = zip(rates, rates.dropFirst()).filter { $1 > $0 }.count
            #expect(raises >= 5 && raises <= 8, "one raise per second at most: \(rates)")
            #expect(rates.last == 20, "\(rates)")

            // A reservation from the other process spends the learned figure (50 ms apart).
            let first = try await stores[1].reserveObserved(key: "k", horizon: .seconds(1), at: t0.adding(.seconds(20)))
            let second = try await stores[1].reserveObserved(
                key: "k", horizon: .seconds(1), at: t0.adding(.seconds(20)))
            #expect(first.decision.wait == .zero)
            #expect(second.decision.wait == .milliseconds(50))

            // A restart with the same configuration keeps what was learned ...
            try await stores[1].ensure(key: "k", vendor: "openai", budget: budget, learning: learning)
            #expect(try await stores[0].snapshot().first?.rate.emissionInterval == .milliseconds(50))
            // ... a changed configuration starts again from the configured figure ...
            try await stores[1].ensure(
                key: "k", vendor: "openai", budget: budget, learning: LearnedBudget(maximumRequestsPerSecond: 10))
            let changed = try #require(try await stores[0].snapshot().first)
            #expect(changed.rate.emissionInterval == .milliseconds(200))
            #expect(changed.maximumRequestsPerSecond == 10)
            // ... and without a maximum, learning never raises it.
            try await stores[1].ensure(key: "k", vendor: "openai", budget: budget)
            let unchanged = try await stores[0].learn(key: "k", advertised: 100, at: t0.adding(.seconds(40)))
            #expect(unchanged.change == .unchanged && unchanged.interval == .milliseconds(200))
        }
    }

    /// A lowered budget is still one budget with leavers first: joiners' short horizon runs out
    /// at the learned pace, while a revocation still reserves.
    @Test func leaversStayFirstOnALearnedBudget() async throws {
        try await LimitsFixture.withPools(1) { pools in
            let store = RateLimiterStore(pool: pools[0])
            try await store.ensure(key: "k", vendor: "openai", budget: budget, learning: learning)
            let t0 = try #require(try await store.snapshot().first?.now).adding(.seconds(1))
            _ = try await store.learn(key: "k", advertised: 1, at: t0)
            var provisioning: [Duration?] = []
            for _ in 0..<4 {
                provisioning.append(
                    try await store.reserveObserved(key: "k", horizon: .seconds(2), at: t0).decision.wait)
            }
            // One a second: 0, 1 and 2 s fit a 2 s horizon, the fourth is sent back.
            #expect(provisioning == [.zero, .seconds(1), .seconds(2), nil])
            let revocation = try await store.reserveObserved(key: "k", horizon: .seconds(60), at: t0)
            #expect(revocation.decision.wait == .seconds(3))
        }
    }

    @Test func learningAnUnknownBudgetSaysSo() async throws {
        try await LimitsFixture.withPools(1) { pools in
            await #expect(throws: UnknownRateLimitError.self) {
                try await RateLimiterStore(pool: pools[0]).learn(key: "missing", advertised: 1)
            }
        }
    }
}
