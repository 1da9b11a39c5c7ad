import RosterCore
import Testing

/// ``LearnedBudget``: how the shared budget moves towards an advertised rate, with injected times.
@Suite struct LearnedBudgetTests {
    let t0 = Timestamp(microsecondsSince1970: 1_000_000_000_000)

    static func interval(_ rate: Double) -> Duration { LearnedBudget.emissionInterval(forRequestsPerSecond: rate) }

    /// The required property, over many (current, advertised, maximum) triples and histories:
    /// whatever the budget was, after any observation its rate is at most the advertised figure
    /// and at most the configured maximum.
    @Test("A learned budget never exceeds the vendor's advertised figure, and never the configured maximum.")
    func aLearnedBudgetNeverExceedsTheAdvertisedFigureNorTheConfiguredMaximum() {
        var generator = SplitMix64(state: 5)
        let rates: [Double] = [0.001, 0.0116, 0.5, 1, 1.333, 3, 5, 7.85, 10, 20, 99.9, 100, 1000, 250_000]
        for maximum in rates {
            for start in rates {
                let rule = LearnedBudget(maximumRequestsPerSecond: maximum)
                var current = Self.interval(start)
                var now = t0
                var lastRaise: Timestamp?
                for _ in 0..<40 {
                    let advertised =
                        rates.randomElement(using: &generator)! * Double.random(in: 0.5...2, using: &generator)
                    now = now.adding(.milliseconds(Int64.random(in: 0...3_000, using: &generator)))
                    let step = rule.step(current: current, advertised: advertised, lastRaise: lastRaise, now: now)
                    if step.change == .raised { lastRaise = now }
                    #expect(
                        step.requestsPerSecond <= advertised, "max \(maximum) start \(start) advertised \(advertised)")
                    #expect(step.requestsPerSecond <= maximum, "max \(maximum) start \(start) advertised \(advertised)")
                    #expect(step.requestsPerSecond <= rule.maximumRequestsPerSecond)
                    current = step.emissionInterval
                }
            }
        }
    }

    struct Drop: Sendable, CustomTestStringConvertible {
        var current: Double
        var advertised: Double
        var maximum: Double
        var expected: Double
        var testDescription: String { "at \(current)/s, advertised \(advertised)/s, max \(maximum)/s → \(expected)/s" }
    }

    /// Below the current rate, the budget drops to the ceiling at once, raise spacing or not.
    @Test(arguments: [
        Drop(current: 5, advertised: 1, maximum: 5, expected: 1),
        Drop(current: 5, advertised: 4.999, maximum: 5, expected: 4.999),
        Drop(current: 20, advertised: 100, maximum: 10, expected: 10),  // the maximum was lowered
        Drop(current: 10, advertised: 0.01, maximum: 20, expected: 0.01),
        Drop(current: 1000, advertised: 1000.0 / 86_400, maximum: 1000, expected: 1000.0 / 86_400),
    ])
    func dropsAtOnce(_ drop: Drop) {
        let rule = LearnedBudget(maximumRequestsPerSecond: drop.maximum)
        let step = rule.step(current: Self.interval(drop.current), advertised: drop.advertised, lastRaise: t0, now: t0)
        #expect(step.change == .lowered)
        #expect(step.emissionInterval == Self.interval(drop.expected))
        #expect(abs(step.requestsPerSecond - drop.expected) / drop.expected < 1e-4)
    }

    /// From 5/s towards 20/s advertised with a maximum of 10/s: halfway each second, never
    /// past 10, snapping to it within 1 %.
    @Test func risesHalfwayOncePerIntervalUpToTheMaximum() {
        let rule = LearnedBudget(maximumRequestsPerSecond: 10)
        var current = Self.interval(5)
        var lastRaise: Timestamp?
        var rates: [Double] = []
        for second in 0..<10 {
            let now = t0.adding(.seconds(second))
            let step = rule.step(current: current, advertised: 20, lastRaise: lastRaise, now: now)
            if step.change == .raised { lastRaise = now }
            current = step.emissionInterval
            rates.append(step.requestsPerSecond)
        }
        // Halfway each time (to the microsecond of the interval, rounded towards slower).
        let expected = [7.5, 8.75, 9.375, 9.6875, 9.84375, 10, 10, 10, 10, 10]
        #expect(zip(rates, expected).allSatisfy { $0 <= $1 && $1 - $0 < 0.001 }, "\(rates)")
        #expect(rates.last == 10)
    }

    @Test func aRaiseSoonerThanTheIntervalChangesNothing() {
        let rule = LearnedBudget(maximumRequestsPerSecond: 10, raiseInterval: .seconds(2))
        let first = rule.step(current: Self.interval(5), advertised: 10, lastRaise: nil, now: t0)
        #expect(first.change == .raised)
        let soon = rule.step(
            current: first.emissionInterval, advertised: 10, lastRaise: t0, now: t0.adding(.milliseconds(1999)))
        #expect(soon.change == .unchanged && soon.emissionInterval == first.emissionInterval)
        let later = rule.step(
            current: first.emissionInterval, advertised: 10, lastRaise: t0, now: t0.adding(.seconds(2)))
        #expect(later.change == .raised && later.emissionInterval < first.emissionInterval)
        // Lowering is never held back by the spacing.
        let lower = rule.step(
            current: later.emissionInterval, advertised: 1, lastRaise: t0.adding(.seconds(2)),
            now: t0.adding(.seconds(2)))
        #expect(lower.change == .lowered && lower.emissionInterval == .seconds(1))
    }

    /// Without `max_requests_per_second` the bound is the configured interval itself: learning
    /// never raises the budget, only lowers it, and returns to the configured figure at most.
    @Test func withoutAMaximumLearningOnlyLowers() {
        let configured = GCRA(requestsPerSecond: 3, burst: 10).emissionInterval
        let rule = LearnedBudget(shortestInterval: configured)
        #expect(rule.step(current: configured, advertised: 1000, lastRaise: nil, now: t0).change == .unchanged)
        let lowered = rule.step(current: configured, advertised: 1, lastRaise: nil, now: t0)
        #expect(lowered.change == .lowered && lowered.emissionInterval == .seconds(1))
        var current = lowered.emissionInterval
        for second in 1...20 {
            current =
                rule.step(current: current, advertised: 1000, lastRaise: nil, now: t0.adding(.seconds(second)))
                .emissionInterval
            #expect(current >= configured)
        }
        #expect(current == configured)
    }

    @Test(arguments: [0, -1, Double.nan, Double.infinity])
    func nonsenseAdvertisedRatesChangeNothing(_ advertised: Double) {
        let rule = LearnedBudget(maximumRequestsPerSecond: 10)
        let step = rule.step(current: .milliseconds(200), advertised: advertised, lastRaise: nil, now: t0)
        #expect(step.change == .unchanged && step.emissionInterval == .milliseconds(200))
    }

    @Test func intervalsRoundUpSoTheyNeverGiveMoreThanTheirRate() {
        for rate in [3.0, 7.0, 1.333, 1000.0 / 60, 0.3, 999_999] {
            #expect(LearnedBudget.requestsPerSecond(Self.interval(rate)) <= rate)
        }
        #expect(Self.interval(0) == LearnedBudget.longestInterval)
        #expect(Self.interval(1e-9) == LearnedBudget.longestInterval)
        #expect(Self.interval(1e12) == .microseconds(1))
    }
}
