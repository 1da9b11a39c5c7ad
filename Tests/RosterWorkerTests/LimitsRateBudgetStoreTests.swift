import RosterCore
import RosterPostgres
import RosterTesting
import Testing

@testable import RosterWorker

/// Budgets of several windows in `rate_limits` (one row each), against their specification
/// (``RateBudget``). Times are injected (`at:`), so nothing here depends on how fast the machine is.
@Suite(.timeLimit(.minutes(10)), .requiresPostgres)
struct LimitsRateBudgetStoreTests {
    /// 5/s with a burst of 5, and 8 per 10 s all at once.
    static let pair = RateBudget(windows: [
        GCRA(requestsPerSecond: 5, burst: 5), GCRA(limit: 8, per: .seconds(10), burst: 8),
    ])

    /// A time after every row `ensure` has created so far (their TATs start at the database clock).
    static func start(_ store: RateLimiterStore) async throws -> Timestamp {
        try #require(try await store.snapshot().map(\.now).max()).adding(.seconds(1))
    }

    @Test func aBurstHonoursBothWindows() async throws {
        try await LimitsFixture.withPools(1) { pools in
            let store = RateLimiterStore(pool: pools[0])
            try await store.ensure(key: "k", vendor: "posthog", budget: Self.pair)
            #expect(try await store.snapshot().map(\.key) == ["k", "k#2"])
            let t0 = try await Self.start(store)
            // One call every 200 ms with no wait accepted: the 5/s window admits every one, the
            // 8-per-10-s window only eight; the ninth is told to come back when it has room.
            var admitted = 0
            for call in 0..<9 {
                let now = t0.adding(.milliseconds(200 * Int64(call)))
                let observed = try await store.reserveObserved(key: "k", horizon: .zero, at: now)
                if call < 8 {
                    #expect(observed.decision.wait == .zero, "call \(call)")
                    admitted += 1
                } else {
                    #expect(observed.decision == .busy(retryAfter: .milliseconds(8_400)), "the longer window is full")
                }
            }
            #expect(admitted == 8)
            // A revocation accepts the wait: it goes 10 s after the first call, and both windows
            // record it there.
            let ninth = try await store.reserveObserved(
                key: "k", horizon: .seconds(60), at: t0.adding(.milliseconds(1_600)))
            #expect(ninth.slot == t0.adding(.seconds(10)))
            #expect(
                ninth.decision
                    == .reserved(
                        wait: .milliseconds(8_400),
                        newTATs: [t0.adding(.milliseconds(10_200)), t0.adding(.seconds(90))]
                    ))
            // A single window of 5/s would have admitted the ninth at once.
            try await store.ensure(key: "solo", vendor: "posthog", rate: Self.pair.windows[0])
            let s0 = try await Self.start(store)
            for call in 0..<9 {
                let observed = try await store.reserveObserved(
                    key: "solo", horizon: .zero, at: s0.adding(.milliseconds(200 * Int64(call))))
                #expect(observed.decision.wait == .zero)
            }
        }
    }

    @Test func sqlDecisionsAndPausesMatchTheModelInEveryWindow() async throws {
        try await LimitsFixture.withPools(1) { pools in
            let store = RateLimiterStore(pool: pools[0])
            let budget = RateBudget(windows: [
                GCRA(limit: 5, per: .seconds(1), burst: 3), GCRA(limit: 12, per: .seconds(5), burst: 6),
                GCRA(limit: 20, per: .seconds(30), burst: 20),
            ])
            try await store.ensure(key: "k", vendor: "posthog", budget: budget)
            var now = try await Self.start(store)
            var model: [Timestamp?] = [nil, nil, nil]
            var generator = SplitMix64(seed: 11)  // RosterTesting: the same steps on every run
            var outcomes = (reserved: 0, busy: 0, waited: 0)
            for step in 0..<80 {
                now = now.adding(.microseconds(Int64.random(in: 0...500_000, using: &generator)))
                if step == 50 {
                    let paused = try await store.pauseObserved(key: "k", for: .seconds(2), at: now)
                    #expect(paused.tats == budget.paused(tats: model, now: now, pause: .seconds(2)))
                    #expect(paused.pausedUntil == now.adding(.seconds(2)))
                    model = paused.tats
                }
                let horizon = Duration.milliseconds(Int64.random(in: 0...4_000, using: &generator))
                let observed = try await store.reserveObserved(key: "k", horizon: horizon, at: now)
                #expect(observed.now == now)
                if step > 0 { #expect(observed.previousTATs == model.map { $0! }, "step \(step)") }
                #expect(observed.decision == budget.decide(tats: model, now: now, horizon: horizon), "step \(step)")
                switch observed.decision {
                case .reserved(let wait, let newTATs):
                    model = newTATs
                    outcomes.reserved += 1
                    if wait > .zero { outcomes.waited += 1 }
                case .busy:
                    outcomes.busy += 1
                }
            }
            #expect(outcomes.reserved >= 10 && outcomes.busy >= 10 && outcomes.waited >= 5, "every branch: \(outcomes)")
            let snapshot = try await store.snapshot()
            #expect(snapshot.map(\.key) == ["k", "k#2", "k#3"])
            #expect(snapshot.map(\.throttledTotal) == [1, 0, 0], "a 429 is counted once, on the first window's row")
            #expect(snapshot.allSatisfy { $0.pausedUntil == snapshot[0].pausedUntil }, "every window is paused")
        }
    }

    @Test func concurrentReserversFromFourPoolsNeverExceedEitherWindow() async throws {
        try await LimitsFixture.withPools(4) { pools in
            let stores = pools.map(RateLimiterStore.init(pool:))
            // 40/s with a burst of 5, and 30 per 2 s with a burst of 10.
            let budget = RateBudget(windows: [
                GCRA(requestsPerSecond: 40, burst: 5), GCRA(limit: 30, per: .seconds(2), burst: 10),
            ])
            try await stores[0].ensure(key: "k", vendor: "posthog", budget: budget)
            // The database's clock, so the reservers race for real; slots are counted, not timed.
            let observations = try await withThrowingTaskGroup(of: RateLimiterStore.Observation.self) { group in
                for index in 0..<120 {
                    let store = stores[index % stores.count]
                    group.addTask { try await store.reserveObserved(key: "k", horizon: .seconds(60)) }
                }
                var all: [RateLimiterStore.Observation] = []
                for try await observation in group { all.append(observation) }
                return all
            }
            let slots = observations.compactMap(\.slot)
            #expect(slots.count == 120, "every reserver gets a slot, none deadlocks")
            #expect(LimitsFixture.peak(slots, inAnyWindowOf: .seconds(2)) <= 30)
            #expect(LimitsFixture.peak(slots, inAnyWindowOf: .seconds(1)) <= 40 + 4)
            // Serialised in clock order: later "now", never an earlier slot.
            let ordered = observations.sorted { $0.now < $1.now }
            #expect(zip(ordered, ordered.dropFirst()).allSatisfy { $0.slot! <= $1.slot! })
            // 120 calls through a 30-per-2-s window (10 at once, then one per 2/21 s) span ≥ 10.4 s.
            #expect(slots.max()!.duration(since: slots.min()!) >= .microseconds(95_239 * 109))
        }
    }

    @Test func windowsLeftOutAreDroppedAndAMissingBudgetIsUnknown() async throws {
        try await LimitsFixture.withPools(1) { pools in
            let store = RateLimiterStore(pool: pools[0])
            try await store.ensure(key: "k", vendor: "posthog", budget: Self.pair)
            try await store.ensure(key: "other", vendor: "openai", budget: Self.pair)
            _ = try await store.reserve(key: "k", horizon: .seconds(60))
            let before = try await store.snapshot().first { $0.key == "k" }
            // Back to one window: the second row goes, the first keeps its TAT.
            try await store.ensure(key: "k", vendor: "posthog", rate: Self.pair.windows[0])
            let after = try await store.snapshot()
            #expect(after.map(\.key) == ["k", "other", "other#2"])
            #expect(after.first?.tat == before?.tat)
            // Without its first window's row a budget is unknown, and nothing is taken from the rest.
            _ = try await pools[0].execute("DELETE FROM rate_limits WHERE key = 'other'")
            let untouched = try await store.snapshot().first { $0.key == "other#2" }
            await #expect(throws: UnknownRateLimitError(key: "other")) {
                try await store.reserve(key: "other", horizon: .seconds(1))
            }
            await #expect(throws: UnknownRateLimitError(key: "other")) {
                try await store.pause(key: "other", for: .seconds(1))
            }
            #expect(try await store.snapshot().first { $0.key == "other#2" }?.tat == untouched?.tat)
            #expect(try await store.remainingPause(key: "k") == nil)
        }
    }
}
