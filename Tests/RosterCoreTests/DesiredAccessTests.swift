import RosterCore
import Testing

/// The desired-state function on event histories: rehires, changes, supersessions, ties and
/// operator-cancelled events.
@Suite struct DesiredAccessTests {
    let analytics = AccessGrant(vendor: "posthog", project: "analytics", role: "member")
    let research = AccessGrant(vendor: "openai", project: "research", role: "member")
    let researchOwner = AccessGrant(vendor: "openai", project: "research", role: "owner")

    func event(
        _ id: String, _ kind: HREvent.Kind, arrival: Int64, sequence: Int64? = nil, grants: [AccessGrant]? = [],
        voided: Bool = false
    ) -> DesiredAccess.Event {
        .init(
            eventID: id, kind: kind, position: .init(arrival: arrival, sequence: sequence),
            grants: kind == .offboarding ? [] : grants, isVoided: voided)
    }

    @Test func noEventsDecideNothing() {
        #expect(DesiredAccess.of([]) == nil)
    }

    @Test func anOnboardingGrantsItsAccess() {
        let desired = DesiredAccess.of([event("on", .onboarding, arrival: 1, grants: [research, analytics])])
        #expect(desired == .grants([research, analytics].sorted(), eventID: "on"))
        #expect(desired?.grants(at: "openai") == [research])
        #expect(desired?.isLeaver == false)
    }

    @Test func theLatestChangeReplacesTheOnboarding() {
        let desired = DesiredAccess.of([
            event("on", .onboarding, arrival: 1, grants: [research, analytics]),
            event("ch", .changed, arrival: 2, grants: [researchOwner]),
        ])
        #expect(
            desired == .grants([researchOwner], eventID: "ch"),
            "a change's grants are the whole desired state, not a delta")
        #expect(desired?.grants(at: "posthog") == [])
    }

    @Test func anOffboardingLeavesNothing() {
        let desired = DesiredAccess.of([
            event("on", .onboarding, arrival: 1, grants: [research]), event("off", .offboarding, arrival: 2),
        ])
        #expect(desired == .nothing(offboardingEventID: "off"))
        #expect(desired?.grants(at: "openai") == [])
    }

    @Test func aChangeAfterAnOffboardingWithoutARehireLeavesTheEmployeeALeaver() {
        let desired = DesiredAccess.of([
            event("on", .onboarding, arrival: 1, grants: [research]),
            event("off", .offboarding, arrival: 2),
            event("ch", .changed, arrival: 3, grants: [researchOwner]),
        ])
        #expect(desired == .nothing(offboardingEventID: "off"), "only an onboarding rehires")
    }

    @Test func aRehireGrantsAgainAndALaterChangeDecides() {
        let history = [
            event("on", .onboarding, arrival: 1, grants: [research]),
            event("off", .offboarding, arrival: 2),
            event("rehire", .onboarding, arrival: 3, grants: [analytics]),
        ]
        #expect(DesiredAccess.of(history) == .grants([analytics], eventID: "rehire"))
        #expect(
            DesiredAccess.of(history + [event("ch", .changed, arrival: 4, grants: [research])])
                == .grants([research], eventID: "ch"))
    }

    @Test func sequenceOrdersEventsThatArriveLate() {
        // The offboarding (sequence 9) arrived before a late onboarding from before it (sequence 3).
        let desired = DesiredAccess.of([
            event("off", .offboarding, arrival: 1, sequence: 9),
            event("late", .onboarding, arrival: 2, sequence: 3, grants: [research]),
        ])
        #expect(desired == .nothing(offboardingEventID: "off"), "the superseded onboarding decides nothing")
    }

    @Test func aTieInSequenceGoesToTheLeaver() {
        let desired = DesiredAccess.of([
            event("on", .onboarding, arrival: 2, sequence: 5, grants: [research]),
            event("off", .offboarding, arrival: 1, sequence: 5),
        ])
        #expect(desired == .nothing(offboardingEventID: "off"))
    }

    @Test func anOperatorCancelledOffboardingDoesNotCount() {
        // A broken HR export's offboarding cancelled from the brake's hold: the onboarding stands.
        let desired = DesiredAccess.of([
            event("on", .onboarding, arrival: 1, grants: [research]),
            event("off", .offboarding, arrival: 2, voided: true),
        ])
        #expect(desired == .grants([research], eventID: "on"))
    }

    @Test func unplannableGrantsDecideNothingRatherThanGuess() {
        #expect(DesiredAccess.of([event("on", .onboarding, arrival: 1, grants: nil)]) == nil)
    }
}
