import RosterCore
import Testing

/// A seeded generator so jittered decisions are reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct GCRATests {
    let t0 = Timestamp(microsecondsSince1970: 1_000_000_000_000)

    @Test func allowsTheBurstAtOnceThenOneSlotPerInterval() {
        let gcra = GCRA(requestsPerSecond: 10, burst: 5)
        var tat: Timestamp?
        var waits: [Duration] = []
        for _ in 0..<8 {
            guard case .reserved(let wait, let newTAT) = gcra.decide(tat: tat, now: t0, horizon: .seconds(10)) else {
                Issue.record("expected a reservation")
                return
            }
            waits.append(wait)
            tat = newTAT
        }
        #expect(
            waits == [.zero, .zero, .zero, .zero, .zero, .milliseconds(100), .milliseconds(200), .milliseconds(300)])
    }

    @Test func neverExceedsTheBudgetInAnyWindow() {
        // 200 callers arriving at random times, each reserving a slot: count slots per second.
        let gcra = GCRA(requestsPerSecond: 10, burst: 5)
        var generator = SplitMix64(state: 42)
        var tat: Timestamp?
        var starts: [Int64] = []
        var now = t0
        for _ in 0..<200 {
            now = now.adding(.microseconds(Int64.random(in: 0...150_000, using: &generator)))
            if case .reserved(let wait, let newTAT) = gcra.decide(tat: tat, now: now, horizon: .seconds(60)) {
                tat = newTAT
                starts.append(now.adding(wait).microsecondsSince1970)
            }
        }
        starts.sort()
        // Any window of one second holds at most rate × 1 s + burst − 1 starts.
        for (i, start) in starts.enumerated() {
            let inWindow = starts[i...].prefix { $0 < start + 1_000_000 }.count
            #expect(inWindow <= 14)
        }
    }

    @Test func aShortHorizonIsToldToComeBackWithoutTakingASlot() {
        let gcra = GCRA(requestsPerSecond: 1, burst: 1)
        let tat = t0.adding(.seconds(5))
        #expect(gcra.decide(tat: tat, now: t0, horizon: .seconds(1)) == .busy(retryAfter: .seconds(4)))
        #expect(
            gcra.decide(tat: tat, now: t0, horizon: .seconds(10))
                == .reserved(wait: .seconds(5), newTAT: t0.adding(.seconds(6))))
    }

    @Test func aPausePushesEveryoneBack() {
        let gcra = GCRA(requestsPerSecond: 10, burst: 5)
        let paused = gcra.paused(tat: nil, now: t0, pause: .seconds(2))
        guard case .reserved(let wait, _) = gcra.decide(tat: paused, now: t0, horizon: .seconds(10)) else {
            Issue.record("expected a reservation")
            return
        }
        #expect(wait == .seconds(2))
    }
}

@Suite struct CircuitBreakerTests {
    let t0 = Timestamp(microsecondsSince1970: 0)

    @Test func opensAfterConsecutiveFailuresAndProbesOnce() {
        var breaker = CircuitBreaker(failureThreshold: 3, openDuration: .seconds(10))
        for _ in 0..<2 { breaker.record(success: false, now: t0) }
        #expect(breaker.state == .closed)
        breaker.record(success: false, now: t0)
        #expect(breaker.state == .open)
        #expect(breaker.admit(now: t0.adding(.seconds(5))) == .rejected(retryAfter: .seconds(5)))
        #expect(breaker.admit(now: t0.adding(.seconds(10))) == .probe)
        #expect(
            breaker.admit(now: t0.adding(.seconds(11))) == .rejected(retryAfter: .seconds(9)), "one probe at a time")
        breaker.record(success: true, now: t0.adding(.seconds(11)))
        #expect(breaker.state == .closed)
        #expect(breaker.admit(now: t0.adding(.seconds(11))) == .allowed)
    }

    @Test func aFailedProbeOpensAgain() {
        var breaker = CircuitBreaker(
            state: .open, consecutiveFailures: 5, retryAt: t0, failureThreshold: 5, openDuration: .seconds(10))
        #expect(breaker.admit(now: t0) == .probe)
        breaker.record(success: false, now: t0)
        #expect(breaker.state == .open)
        #expect(breaker.retryAt == t0.adding(.seconds(10)))
    }

    @Test func successResetsTheCount() {
        var breaker = CircuitBreaker(failureThreshold: 3)
        breaker.record(success: false, now: t0)
        breaker.record(success: false, now: t0)
        breaker.record(success: true, now: t0)
        breaker.record(success: false, now: t0)
        #expect(breaker.state == .closed)
        #expect(breaker.consecutiveFailures == 1)
    }
}

@Suite struct RetryPolicyTests {
    @Test func backsOffWithFullJitterUnderTheCap() {
        let policy = RetryPolicy(base: .seconds(1), cap: .seconds(8), maxAttempts: 10)
        var generator = SplitMix64(state: 7)
        for attempt in 1..<10 {
            guard
                case .retry(let after) = policy.decide(
                    attempt: attempt, retryable: true, retryAfter: nil, using: &generator)
            else {
                Issue.record("expected a retry")
                return
            }
            #expect(after >= .zero)
            #expect(after <= min(.seconds(8), .seconds(1) * (1 << (attempt - 1))))
        }
    }

    @Test func honoursRetryAfterAndGivesUp() {
        let policy = RetryPolicy(base: .milliseconds(10), cap: .milliseconds(20), maxAttempts: 3)
        #expect(policy.decide(attempt: 1, retryable: true, retryAfter: .seconds(2)) == .retry(after: .seconds(2)))
        #expect(policy.decide(attempt: 3, retryable: true, retryAfter: nil) == .giveUp)
        #expect(policy.decide(attempt: 1, retryable: false, retryAfter: nil) == .giveUp)
    }
}
