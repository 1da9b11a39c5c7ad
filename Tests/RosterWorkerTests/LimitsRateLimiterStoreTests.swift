import RosterCore
import RosterPostgres
import RosterTesting
import Testing

@testable import RosterWorker

/// The SQL rate limiter against its specification (``GCRA``) and under concurrent use from
/// several pools, each standing for one worker process.
@Suite(.timeLimit(.minutes(10)), .requiresPostgres)
struct LimitsRateLimiterStoreTests {
    @Test func sqlDecisionsMatchThePureGCRA() async throws {
        try await LimitsFixture.withPools(1) { pools in
            let store = RateLimiterStore(pool: pools[0])
            var gcra = GCRA(requestsPerSecond: 20, burst: 3)
            try await store.ensure(key: "k", vendor: "openai", rate: gcra)
            var model: Timestamp?
            var outcomes = (reserved: 0, busy: 0)
            let horizons: [Duration] = [.zero, .milliseconds(30), .milliseconds(120), .seconds(1)]
            // Injected times, 5 ms apart, so the outcome does not depend on the machine's speed.
            var now = try #require(try await store.snapshot().first?.now).adding(.seconds(1))
            for step in 0..<48 {
                now = now.adding(.milliseconds(5))
                if step == 20 {
                    let paused = try await store.pauseObserved(key: "k", for: .milliseconds(300), at: now)
                    #expect(paused.tat == gcra.paused(tat: model, now: paused.now, pause: .milliseconds(300)))
                    #expect(paused.pausedUntil == paused.now.adding(.milliseconds(300)))
                    model = paused.tat
                }
                if step == 32 {
                    // A configuration change keeps the TAT and applies the new rate from now on.
                    gcra = GCRA(requestsPerSecond: 40, burst: 4)
                    try await store.ensure(key: "k", vendor: "openai", rate: gcra)
                    let snapshot = try #require(try await store.snapshot().first)
                    #expect(snapshot.rate == gcra)
                    #expect(snapshot.tat == model)
                }
                if step % 8 == 7 {
                    now = now.adding(.milliseconds(150))  // let the budget recover a little
                }
                let horizon = horizons[step % horizons.count]
                let observed = try await store.reserveObserved(key: "k", horizon: horizon, at: now)
                if let model {
                    #expect(observed.previousTAT == model, "step \(step): the row carries exactly the model's state")
                } else {
                    #expect(observed.previousTAT <= observed.now, "a fresh budget is empty")
                }
                #expect(
                    observed.decision == RateBudget(gcra).decide(tats: [model], now: observed.now, horizon: horizon),
                    "step \(step)"
                )
                switch observed.decision {
                case .reserved(_, let newTATs):
                    model = newTATs.first
                    outcomes.reserved += 1
                case .busy:
                    outcomes.busy += 1
                }
            }
            #expect(outcomes.reserved >= 10 && outcomes.busy >= 10, "both branches exercised: \(outcomes)")
        }
    }

    @Test func concurrentReserversFromFourPoolsNeverExceedTheBudget() async throws {
        try await LimitsFixture.withPools(4) { pools in
            let rate = GCRA(requestsPerSecond: 20, burst: 5)
            let stores = pools.map(RateLimiterStore.init(pool:))
            try await stores[0].ensure(key: "all", vendor: "openai", rate: rate)
            try await stores[0].ensure(key: "near", vendor: "openai", rate: rate)

            // 200 callers that accept any wait: every one gets a slot, and the slots keep the rate.
            let slots = try await Self.reserve(200, stores: stores, key: "all", horizon: .seconds(60))
            let starts = slots.compactMap(\.slot)
            #expect(starts.count == 200)
            let budget = 20 + 5 - 1
            #expect(LimitsFixture.peak(starts, inAnyWindowOf: .seconds(1)) <= budget)
            let span = starts.max()!.duration(since: starts.min()!)
            #expect(span >= .milliseconds(50 * 195), "200 slots at 20/s after a burst of 5 span 9.75 s: \(span)")

            // 200 callers that accept one second: about a second's worth reserve, the rest are told when.
            let near = try await Self.reserve(200, stores: stores, key: "near", horizon: .seconds(1))
            let reserved = near.compactMap(\.slot)
            // 1 s × 20/s + burst 5, plus one slot per 50 ms the reservations took.
            let nows = near.map(\.now)
            let elapsed = nows.max()!.duration(since: nows.min()!)
            #expect(reserved.count >= 25 && reserved.count <= 26 + Int(elapsed / .milliseconds(50)), "\(elapsed)")
            for case .busy(let retryAfter) in near.map(\.decision) {
                #expect(retryAfter > .zero && retryAfter <= .seconds(10))
            }
            #expect(LimitsFixture.peak(reserved, inAnyWindowOf: .seconds(1)) <= budget)
        }
    }

    @Test func aPauseHoldsBackEveryReserverInEveryPool() async throws {
        try await LimitsFixture.withPools(4) { pools in
            let stores = pools.map(RateLimiterStore.init(pool:))
            try await stores[0].ensure(key: "k", vendor: "openai", rate: GCRA(requestsPerSecond: 100, burst: 10))
            _ = try await Self.reserve(5, stores: stores, key: "k", horizon: .seconds(60))
            // 30 s, not 3: the 60 reservations below take real time, and on a loaded machine a
            // short pause had nearly run out before the 2 s horizon was asked.
            let until = try await stores[1].pause(key: "k", for: .seconds(30))

            // Nobody gets a slot before the pause ends, whatever its horizon.
            let revocations = try await Self.reserve(40, stores: stores, key: "k", horizon: .seconds(60))
            #expect(revocations.allSatisfy { ($0.slot ?? until) >= until })
            #expect(revocations.allSatisfy { $0.slot != nil })
            let provisioning = try await Self.reserve(20, stores: stores, key: "k", horizon: .seconds(2))
            #expect(provisioning.allSatisfy { $0.slot == nil }, "a 2 s horizon cannot reach past a 30 s pause")

            // A shorter pause never shortens a longer one.
            #expect(try await stores[2].pause(key: "k", for: .milliseconds(10)) == until)
            let snapshot = try #require(try await stores[3].snapshot().first)
            #expect(snapshot.pausedUntil == until)
            #expect(snapshot.isPaused)
            #expect(snapshot.throttledTotal == 2)
            #expect(try await stores[0].pause(key: "k", for: .zero, throttled: false) == until)
            #expect(try await stores[0].snapshot().first?.throttledTotal == 2, "announced pauses are not refusals")
        }
    }

    @Test func provisioningIsSentBackWhileRevocationsStillReserve() async throws {
        try await LimitsFixture.withPools(1) { pools in
            let store = RateLimiterStore(pool: pools[0])
            try await store.ensure(key: "k", vendor: "openai", rate: GCRA(requestsPerSecond: 20, burst: 5))
            // Saturate: 100 revocations at one injected instant reserve 4.8 s ahead (100 × 50 ms
            // less the burst's 200 ms), however long the round trips take.
            let now = try #require(try await store.snapshot().first?.now).adding(.seconds(1))
            for _ in 0..<100 {
                _ = try await store.reserveObserved(key: "k", horizon: .seconds(60), at: now)
            }
            let provisioning = try await store.reserveObserved(key: "k", horizon: .seconds(2), at: now)
            #expect(provisioning.decision == .busy(retryAfter: .milliseconds(2_800)), "no slot 4.8 s away for a joiner")
            let revocation = try await store.reserveObserved(key: "k", horizon: .seconds(60), at: now)
            #expect(revocation.decision.wait == .milliseconds(4_800), "a leaver still reserves")
        }
    }

    @Test func unknownBudgetsAreReported() async throws {
        try await LimitsFixture.withPools(1) { pools in
            let store = RateLimiterStore(pool: pools[0])
            await #expect(throws: UnknownRateLimitError(key: "missing")) {
                try await store.reserve(key: "missing", horizon: .seconds(1))
            }
            await #expect(throws: UnknownRateLimitError(key: "missing")) {
                try await store.pause(key: "missing", for: .seconds(1))
            }
        }
    }

    /// `count` concurrent reservations spread round-robin over `stores`.
    static func reserve(
        _ count: Int,
        stores: [RateLimiterStore],
        key: String,
        horizon: Duration
    ) async throws -> [RateLimiterStore.Observation] {
        try await withThrowingTaskGroup(of: RateLimiterStore.Observation.self) { group in
            for index in 0..<count {
                let store = stores[index % stores.count]
                group.addTask { try await store.reserveObserved(key: key, horizon: horizon) }
            }
            var observations: [RateLimiterStore.Observation] = []
            for try await observation in group {
                observations.append(observation)
            }
            return observations
        }
    }
}
