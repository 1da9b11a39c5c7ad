import RosterCore
import RosterNemesis
import Testing

/// The nemesis's own model of what the vendors must hold, on hand-written histories.
struct NemesisModelTests {
    private func event(
        _ label: NemesisEvent.Label, _ kind: NemesisEvent.Kind, _ sequence: Int64, _ grants: [AccessGrant] = []
    ) -> NemesisEvent {
        NemesisEvent(
            eventID: "e\(sequence)", employee: "N0001", label: label, kind: kind, grants: grants, sequence: sequence)
    }

    private let alpha = AccessGrant(vendor: "openai", project: "nem-alpha", role: "member")
    private let betaOwner = AccessGrant(vendor: "openai", project: "nem-beta", role: "owner")
    private let webAdmin = AccessGrant(vendor: "posthog", project: "nem-web", role: "admin")

    @Test func aMoveReplacesAccessAndALeaverHasNothing() {
        let joined = NemesisModel(events: [
            event(.join, .onboarding, 1, [alpha, webAdmin]), event(.move, .changed, 2, [betaOwner]),
        ])
        #expect(joined.expected["N0001"]?.openAI == ["nem-beta": "owner"])
        #expect(joined.expected["N0001"]?.postHogLevel == nil)
        let left = NemesisModel(events: [
            event(.join, .onboarding, 1, [alpha]), event(.leave, .offboarding, 2),
            event(.leaverChange, .changed, 3, [webAdmin]),
        ])
        #expect(left.expected["N0001"]?.openAI == [:])
        #expect(left.expected["N0001"]?.postHogLevel == nil)
        #expect(left.expected["N0001"]?.isLeaver == true)
    }

    @Test func aRehireGrantsAgainAndDuplicatesAndInvalidOnesAreIgnored() {
        var duplicate = event(.join, .onboarding, 1, [alpha])
        duplicate.label = .duplicate
        let model = NemesisModel(events: [
            event(.join, .onboarding, 1, [alpha]), event(.leave, .offboarding, 2),
            event(.rehire, .onboarding, 3, [webAdmin]),
            duplicate,
            NemesisEvent(
                eventID: "bad", employee: "BAD1", label: .malformedJSON, kind: .onboarding, grants: [alpha], sequence: 1
            ),
        ])
        #expect(model.expected["N0001"]?.openAI == [:])
        #expect(model.expected["N0001"]?.postHogLevel == 8)
        #expect(model.expected["N0001"]?.isLeaver == false)
        #expect(model.expected["BAD1"] == nil)
        #expect(model.history["N0001"]?.count == 3)
    }
}
