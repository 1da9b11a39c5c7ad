import RosterCore
import Testing

/// ``RateBudget``: several ``GCRA`` windows that must all admit, with injected times only.
@Suite struct RateBudgetTests {
    let t0 = Timestamp(microsecondsSince1970: 1_000_000_000_000)

    /// 5/s with a burst of 5, and 8 per 10 s all at once.
    let pair = RateBudget(windows: [GCRA(requestsPerSecond: 5, burst: 5), GCRA(limit: 8, per: .seconds(10), burst: 8)])

    @Test func oneWindowDecidesExactlyAsItsGCRA() {
        let gcra = GCRA(requestsPerSecond: 10, burst: 4)
        let budget = RateBudget(gcra)
        var generator = SplitMix64(state: 3)
        var tat: Timestamp?
        var now = t0
        for step in 0..<300 {
            now = now.adding(.microseconds(Int64.random(in: 0...120_000, using: &generator)))
            let horizon = Duration.milliseconds(Int64.random(in: 0...500, using: &generator))
            let single = gcra.decide(tat: tat, now: now, horizon: horizon)
            let multi = budget.decide(tats: [tat], now: now, horizon: horizon)
            switch (single, multi) {
            case (.reserved(let wait, let newTAT), .reserved(let multiWait, let newTATs)):
                #expect(wait == multiWait && [newTAT] == newTATs, "step \(step)")
                tat = newTAT
            case (.busy(let retryAfter), .busy(let multiRetryAfter)):
                #expect(retryAfter == multiRetryAfter, "step \(step)")
            default:
                Issue.record("step \(step): \(single) vs \(multi)")
            }
        }
    }

    @Test func theNinthCallWaitsForTheLongerWindowThoughTheShorterAdmits() {
        // One call every 200 ms: the 5/s window admits each at once; the 8-per-10-s window has
        // no room for a ninth until 10 s after the first.
        var tats: [Timestamp?] = [nil, nil]
        var waits: [Duration] = []
        for call in 0..<9 {
            let now = t0.adding(.milliseconds(200 * Int64(call)))
            #expect(
                pair.windows[0].decide(tat: tats[0], now: now, horizon: .zero).isReserved, "the short window admits")
            if call == 8 {
                #expect(
                    pair.decide(tats: tats, now: now, horizon: .seconds(1)) == .busy(retryAfter: .milliseconds(7_400)))
            }
            guard case .reserved(let wait, let newTATs) = pair.decide(tats: tats, now: now, horizon: .seconds(60))
            else {
                Issue.record("call \(call) must reserve within 60 s")
                return
            }
            waits.append(wait)
            tats = newTATs
        }
        #expect(waits == Array(repeating: .zero, count: 8) + [.milliseconds(8_400)])
        // Both windows record the ninth call at its slot, t0 + 10 s.
        let slot = t0.adding(.seconds(10))
        #expect(tats == [slot.adding(.milliseconds(200)), t0.adding(.seconds(90))])
    }

    @Test func aBusyAnswerTakesNothingFromAnyWindow() {
        let tats: [Timestamp?] = [t0, t0.adding(.seconds(75))]
        #expect(pair.decide(tats: tats, now: t0, horizon: .seconds(1)) == .busy(retryAfter: .seconds(4)))
        #expect(
            pair.decide(tats: tats, now: t0, horizon: .seconds(1)) == .busy(retryAfter: .seconds(4)), "still the same")
    }

    @Test func randomArrivalsNeverExceedEitherWindow() {
        // 5 per second (burst 3) and 12 per 5 s (burst 6): published-style windows.
        let budget = RateBudget(windows: [
            GCRA(limit: 5, per: .seconds(1), burst: 3), GCRA(limit: 12, per: .seconds(5), burst: 6),
        ])
        var generator = SplitMix64(state: 99)
        var tats: [Timestamp?] = [nil, nil]
        var starts: [Timestamp] = []
        var now = t0
        for _ in 0..<400 {
            now = now.adding(.microseconds(Int64.random(in: 0...400_000, using: &generator)))
            let horizon = Duration.milliseconds(Int64.random(in: 0...3_000, using: &generator))
            if case .reserved(let wait, let newTATs) = budget.decide(tats: tats, now: now, horizon: horizon) {
                tats = newTATs
                starts.append(now.adding(wait))
            }
        }
        #expect(starts == starts.sorted(), "slots are handed out in order")
        #expect(Self.peak(starts, inAnyWindowOf: .seconds(1)) <= 5)
        #expect(Self.peak(starts, inAnyWindowOf: .seconds(5)) == 12, "the long window is reached, never passed")
        #expect(starts.count >= 100, "\(starts.count) of 400 admitted")
    }

    @Test func postHogsDefaultHoldsBothPublishedLimitsAndReachesThem() {
        let budget = RosterConfiguration.Vendor(kind: .posthog, baseURL: "https://p", apiKeyEnv: "K").effectiveBudget
        #expect(
            budget.windows == [
                GCRA(limit: 480, per: .seconds(60), burst: 10), GCRA(limit: 4_800, per: .seconds(3_600), burst: 480),
            ])
        // 6,000 revocations queued at once, each accepting any wait.
        var tats: [Timestamp?] = [nil, nil]
        var starts: [Timestamp] = []
        for _ in 0..<6_000 {
            guard case .reserved(let wait, let newTATs) = budget.decide(tats: tats, now: t0, horizon: .seconds(86_400))
            else {
                Issue.record("an unbounded horizon always reserves")
                return
            }
            tats = newTATs
            starts.append(t0.adding(wait))
        }
        #expect(Self.peak(starts, inAnyWindowOf: .seconds(60)) == 480)
        #expect(Self.peak(starts, inAnyWindowOf: .seconds(3_600)) == 4_800)
        #expect(starts.filter { $0 < t0.adding(.seconds(60)) }.count == 480, "the first minute is used in full")
        #expect(starts.filter { $0 == t0 }.count == 10, "the minute window's burst")
        // After the first hour the pace is the hour window's 1.2/s: 1,200 calls take 1,000 s (± one interval).
        let late = starts[4_800..<6_000]
        #expect(late.last!.duration(since: late.first!) == .microseconds(833_141 * 1_199))
    }

    @Test func aPauseHoldsBackEveryWindow() {
        let paused = pair.paused(tats: [nil, nil], now: t0, pause: .seconds(2))
        #expect(paused == [t0.adding(.milliseconds(2_800)), t0.adding(.seconds(72))])
        guard case .reserved(let wait, _) = pair.decide(tats: paused, now: t0, horizon: .seconds(10)) else {
            Issue.record("expected a reservation")
            return
        }
        #expect(wait == .seconds(2))
    }

    @Test func aWindowFromAPublishedLimitNeverExceedsIt() {
        for (limit, burst) in [(480, 10), (480, 1), (480, 480), (7, 3)] {
            let gcra = GCRA(limit: limit, per: .seconds(60), burst: burst)
            var tat: Timestamp?
            var starts: [Timestamp] = []
            for _ in 0..<(3 * limit) {
                guard case .reserved(let wait, let newTAT) = gcra.decide(tat: tat, now: t0, horizon: .seconds(86_400))
                else { return }
                tat = newTAT
                starts.append(t0.adding(wait))
            }
            #expect(Self.peak(starts, inAnyWindowOf: .seconds(60)) == limit, "\(limit) per minute, burst \(burst)")
        }
    }

    /// The most timestamps in any half-open window of length `window`.
    static func peak(_ times: [Timestamp], inAnyWindowOf window: Duration) -> Int {
        let sorted = times.sorted()
        var peak = 0
        var start = 0
        for end in sorted.indices {
            while sorted[end].duration(since: sorted[start]) >= window { start += 1 }
            peak = max(peak, end - start + 1)
        }
        return peak
    }
}

extension GCRA.Decision {
    var isReserved: Bool {
        if case .reserved = self { return true }
        return false
    }
}
