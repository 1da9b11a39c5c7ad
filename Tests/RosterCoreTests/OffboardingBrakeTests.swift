import RosterCore
import Testing

/// The mass-offboarding brake as values: the limit, who runs and who is held, and the reason.
@Suite struct OffboardingBrakeTests {
    let brake = OffboardingBrake(configuration: .init())

    @Test func thirtyInABurstWithALimitOf25Run25AndHold5() {
        let decision = brake.decide(recorded: 0, knownEmployees: 0, newOffboardings: 30)
        #expect(decision.limit == 25)
        #expect(decision.admitted == 25 && decision.held == 5 && decision.isTripped)
        #expect(decision.verdicts.prefix(25).allSatisfy { $0 == .run }, "the first 25, in the order given, run")
        #expect(decision.verdicts.suffix(5).allSatisfy { $0.status == .held })
        #expect(decision.verdicts.map(\.holdReason).compactMap { $0 }.count == 5)
        #expect(
            decision.reason
                == "mass-offboarding brake: 30 offboardings in 1 h exceed the limit of 25 (the larger of 25 and 5 % of 0 known employees); release with `roster holds release` or cancel with `roster holds cancel`"
        )
    }

    @Test func theLimitIsTheLargerOfTheCountAndTheShareOfKnownEmployees() {
        #expect(brake.limit(knownEmployees: nil) == 25)
        #expect(brake.limit(knownEmployees: 400) == 25, "5 % of 400 is 20: the count is larger")
        #expect(brake.limit(knownEmployees: 500) == 25, "exactly 25, not 26 from a binary rounding")
        #expect(brake.limit(knownEmployees: 501) == 26, "25.05 rounds up")
        #expect(brake.limit(knownEmployees: 10_000) == 500, "it grows with the company")
        let decision = brake.decide(recorded: 480, knownEmployees: 10_000, newOffboardings: 30)
        #expect(decision.admitted == 20 && decision.held == 10)
        #expect(
            decision.reason?.contains(
                "510 offboardings in 1 h exceed the limit of 500 (the larger of 25 and 5 % of 10000 known employees)")
                == true)
    }

    @Test func everythingRecordedInTheWindowCountsHeldOnesIncluded() {
        // A burst of 1,000 in one batch holds 975 …
        let burst = brake.decide(recorded: 0, knownEmployees: 0, newOffboardings: 1_000)
        #expect(burst.admitted == 25 && burst.held == 975)
        // … and the next offboarding while the burst is in the window is held too: the 1,000
        // recorded (held ones included) are still counted.
        let next = brake.decide(recorded: 1_000, knownEmployees: 0, newOffboardings: 1)
        #expect(next.held == 1)
        #expect(next.reason?.hasPrefix("mass-offboarding brake: 1001 offboardings in 1 h") == true)
    }

    @Test func belowTheLimitNothingIsHeldAndTheKnownEmployeesAreNotNeeded() {
        #expect(!brake.needsKnownEmployees(recorded: 20, newOffboardings: 5), "25 fit in the count")
        #expect(brake.needsKnownEmployees(recorded: 20, newOffboardings: 6))
        #expect(!brake.needsKnownEmployees(recorded: 500, newOffboardings: 0))
        let decision = brake.decide(recorded: 20, knownEmployees: nil, newOffboardings: 5)
        #expect(decision.held == 0 && decision.reason == nil && !decision.isTripped)
        #expect(decision.verdicts == Array(repeating: .run, count: 5))
        let full = brake.decide(recorded: 25, knownEmployees: nil, newOffboardings: 2)
        #expect(full.held == 2, "the window is full: the 26th and 27th are held")
    }

    @Test func aDisabledBrakeHoldsNothing() {
        let off = OffboardingBrake(configuration: .init(enabled: false))
        #expect(!off.needsKnownEmployees(recorded: 1_000, newOffboardings: 1_000))
        let decision = off.decide(recorded: 1_000, knownEmployees: 0, newOffboardings: 1_000)
        #expect(decision.held == 0 && decision.admitted == 1_000)
    }

    @Test func theReasonNamesTheWindowAndShareAsConfiguredAndNoPerson() {
        let custom = OffboardingBrake(configuration: .init(offboardings: 3, windowSeconds: 1_800, share: 0.005))
        let decision = custom.decide(recorded: 2, knownEmployees: 1, newOffboardings: 2)
        #expect(decision.held == 1)
        #expect(
            decision.reason
                == "mass-offboarding brake: 4 offboardings in 30 min exceed the limit of 3 (the larger of 3 and 0.5 % of 1 known employee); release with `roster holds release` or cancel with `roster holds cancel`"
        )
        let day = OffboardingBrake(configuration: .init(offboardings: 1, windowSeconds: 86_400, share: 0.0001))
        #expect(
            day.decide(recorded: 1, knownEmployees: 0, newOffboardings: 1).reason?.contains(
                "2 offboardings in 1 d exceed the limit of 1 (the larger of 1 and 0.01 % of 0 known employees)") == true
        )
        let odd = OffboardingBrake(configuration: .init(offboardings: 1, windowSeconds: 90))
        #expect(odd.decide(recorded: 1, knownEmployees: 0, newOffboardings: 1).reason?.contains("in 90 s") == true)
    }

    @Test func aHeldOffboardingIsNeitherFinishedNorRunnable() {
        #expect(!JobStatus.held.isFinished)
        #expect(JobStatus(rawValue: "held") == .held)
    }
}
