import RosterCore
import Testing

@Suite struct IngestPlannerTests {
    func event(_ id: String, _ kind: HREvent.Kind, employee: String = "E1", sequence: Int64? = nil) -> HREvent {
        HREvent(
            id: id, source: "test", kind: kind, time: Timestamp(microsecondsSince1970: 0),
            employee: Employee(id: employee, email: "\(employee.lowercased())@example.com"), sequence: sequence)
    }

    func entry(
        _ id: Int64, _ kind: HREvent.Kind, arrival: Int64, sequence: Int64? = nil, unfinished: Bool = false
    ) -> LeaverRule.Entry {
        .init(
            jobID: id, eventID: "evt-\(id)", kind: kind, position: .init(arrival: arrival, sequence: sequence),
            isUnfinished: unfinished)
    }

    let planner = IngestPlanner()

    @Test func ordersByArrivalAndKeepsTheSequenceApart() {
        let plan = planner.plan(
            events: [
                event("a", .onboarding), event("b", .changed, sequence: 7), event("c", .onboarding, employee: "E2"),
            ],
            history: ["E1": .init(highestArrival: 4)]
        )
        #expect(plan.jobs.map(\.order) == [5, 6, 1], "arrival numbers, never a sequence")
        #expect(plan.jobs.map(\.sequence) == [nil, 7, nil])
        #expect(plan.jobs.allSatisfy { $0.status == .queued })
    }

    @Test func offboardingSupersedesEarlierJobsInTheSameBatchAndInPostgres() {
        let history = [
            "E1": IngestPlanner.History(
                highestArrival: 2,
                entries: [
                    entry(11, .onboarding, arrival: 1, unfinished: true),
                    entry(12, .changed, arrival: 2, unfinished: true),
                ])
        ]
        let plan = planner.plan(
            events: [event("on", .onboarding), event("ch", .changed), event("off", .offboarding)], history: history)
        #expect(plan.jobs.map(\.status) == [.cancelled, .cancelled, .queued])
        #expect(plan.jobs[0].cancelReason == "superseded by offboarding off")
        #expect(plan.jobs[2].priority > plan.jobs[0].priority)
        #expect(plan.supersessions.map(\.jobID) == [11, 12])
        #expect(plan.supersessions.allSatisfy { $0.reason == "superseded by offboarding off" && $0.employeeID == "E1" })
    }

    @Test func lateOnboardingWithAnOlderSequenceNeverBecomesRunnable() {
        let history = [
            "E1": IngestPlanner.History(highestArrival: 5, entries: [entry(1, .offboarding, arrival: 5, sequence: 5)])
        ]
        let plan = planner.plan(
            events: [event("late", .onboarding, sequence: 3), event("tie", .onboarding, sequence: 5)], history: history)
        #expect(plan.jobs.map(\.status) == [.cancelled, .cancelled], "a tie in sequence goes to the leaver")
        #expect(plan.jobs.first?.cancelReason == "superseded by offboarding evt-1")
    }

    @Test func aRehireAfterTheOffboardingRunsAndSoDoChangesAfterIt() {
        let history = [
            "E1": IngestPlanner.History(
                highestArrival: 5, entries: [entry(1, .onboarding, arrival: 4), entry(2, .offboarding, arrival: 5)])
        ]
        let plan = planner.plan(
            events: [event("rehire", .onboarding, sequence: 9), event("next", .changed)], history: history)
        #expect(plan.jobs.map(\.status) == [.queued, .queued])
        #expect(plan.jobs.map(\.order) == [6, 7])
    }

    /// Issue 12, hole 1: onboarding (1), offboarding (2), changed (3) re-granted access at three vendors.
    @Test func aChangeAfterAnOffboardingIsRecordedCancelledUntilARehire() {
        let plan = planner.plan(
            events: [
                event("on", .onboarding, sequence: 1), event("off", .offboarding, sequence: 2),
                event("ch", .changed, sequence: 3),
            ],
            history: [:]
        )
        #expect(plan.jobs.map(\.status) == [.cancelled, .queued, .cancelled])
        #expect(plan.jobs[2].cancelReason?.contains("offboarded by event off") == true)
        #expect(plan.jobs[2].cancelReason?.contains("an onboarding after the offboarding is needed to rehire") == true)

        // Without sequences too (arrival order), and across batches.
        let later = planner.plan(
            events: [event("ch2", .changed), event("rehire", .onboarding), event("ch3", .changed)],
            history: [
                "E1": .init(
                    highestArrival: 3, entries: [entry(1, .onboarding, arrival: 1), entry(2, .offboarding, arrival: 2)])
            ]
        )
        #expect(later.jobs.map(\.status) == [.cancelled, .queued, .queued])
    }

    @Test func anOffboardingEndsAnUnfinishedChangeThatArrivedEarlierWithAHigherSequence() {
        // The change (sequence 9) arrived before the offboarding (sequence 8): after the offboarding
        // there is no rehire, so the change may no longer grant.
        let history = [
            "E1": IngestPlanner.History(
                highestArrival: 2,
                entries: [
                    entry(1, .onboarding, arrival: 1, sequence: 1),
                    entry(2, .changed, arrival: 2, sequence: 9, unfinished: true),
                ])
        ]
        let plan = planner.plan(events: [event("off", .offboarding, sequence: 8)], history: history)
        #expect(plan.supersessions.map(\.jobID) == [2])
        #expect(plan.supersessions.first?.reason.contains("needed to rehire") == true)
    }

    @Test func anOffboardingLeavesALaterRehireAlone() {
        // The rehire (sequence 9) arrived before an older offboarding (sequence 8): it stays.
        let history = [
            "E1": IngestPlanner.History(
                highestArrival: 1, entries: [entry(1, .onboarding, arrival: 1, sequence: 9, unfinished: true)])
        ]
        let plan = planner.plan(events: [event("off", .offboarding, sequence: 8)], history: history)
        #expect(plan.supersessions.isEmpty)
    }

    @Test func otherEmployeesAreUntouched() {
        let plan = planner.plan(
            events: [
                event("on2", .onboarding, employee: "E2"), event("on1", .onboarding), event("off1", .offboarding),
            ], history: [:])
        #expect(plan.jobs.map(\.status) == [.queued, .cancelled, .queued])
    }
}

@Suite struct LeaverRuleTests {
    func entry(_ id: String, _ kind: HREvent.Kind, arrival: Int64, sequence: Int64? = nil) -> LeaverRule.Entry {
        .init(
            jobID: nil, eventID: id, kind: kind, position: .init(arrival: arrival, sequence: sequence),
            isUnfinished: false)
    }

    @Test func scalesAreNeverMixed() {
        // Sequence 100 against an offboarding without a sequence: arrival decides, not 100 > 2.
        let history = [entry("off", .offboarding, arrival: 2)]
        #expect(
            LeaverRule.refusal(
                kind: .onboarding, eventID: "x", position: .init(arrival: 1, sequence: 100), history: history)?.kind
                == .superseded)
        #expect(
            LeaverRule.refusal(
                kind: .onboarding, eventID: "x", position: .init(arrival: 3, sequence: 1), history: history) == nil)
    }

    @Test func offboardingsAreNeverRefusedAndTheJobItselfIsIgnored() {
        let history = [entry("off", .offboarding, arrival: 2), entry("on", .onboarding, arrival: 1)]
        #expect(
            LeaverRule.refusal(kind: .offboarding, eventID: "off2", position: .init(arrival: 1), history: history)
                == nil)
        #expect(
            LeaverRule.refusal(
                kind: .onboarding, eventID: "on", position: .init(arrival: 3),
                history: [entry("on", .onboarding, arrival: 3)]) == nil)
    }

    @Test func aChangeNeedsARehireAfterEveryOffboarding() {
        let history = [
            entry("on1", .onboarding, arrival: 1), entry("off1", .offboarding, arrival: 2),
            entry("on2", .onboarding, arrival: 3), entry("off2", .offboarding, arrival: 5),
        ]
        #expect(
            LeaverRule.refusal(kind: .changed, eventID: "c", position: .init(arrival: 4), history: history)?.kind
                == .superseded)
        #expect(
            LeaverRule.refusal(kind: .changed, eventID: "c", position: .init(arrival: 6), history: history)?.kind
                == .changeAfterOffboarding)
        #expect(
            LeaverRule.refusal(
                kind: .changed, eventID: "c", position: .init(arrival: 7),
                history: history + [entry("on3", .onboarding, arrival: 6)]) == nil)
    }
}

@Suite struct AccessPolicyTests {
    let policy = AccessPolicy(rules: [
        .init(
            match: .init(department: "Research"),
            grant: [AccessGrant(vendor: "openai", project: "research-ai", role: "member")]),
        .init(
            match: .init(department: "research", title: "Lead"),
            grant: [AccessGrant(vendor: "posthog", project: "p", role: "admin")]),
        .init(match: .init(), grant: [AccessGrant(vendor: "x", project: "y", role: "z")]),
    ])

    func event(department: String?, title: String?, access: [AccessGrant]? = nil) -> HREvent {
        HREvent(
            id: "e", source: "s", kind: .onboarding, time: Timestamp(microsecondsSince1970: 0),
            employee: Employee(id: "E", email: "e@example.com", department: department, title: title), access: access)
    }

    @Test func matchesEveryGivenAttributeIgnoringCase() {
        #expect(
            policy.grants(for: event(department: "Research", title: "Lead")).map(\.vendor) == ["openai", "posthog"])
        #expect(policy.grants(for: event(department: "Research", title: nil)).map(\.vendor) == ["openai"])
        #expect(policy.grants(for: event(department: "Sales", title: "Lead")).isEmpty, "an empty match matches nobody")
    }

    @Test func explicitAccessWins() {
        let explicit = [AccessGrant(vendor: "relevance", project: "a", role: "viewer")]
        #expect(policy.grants(for: event(department: "Research", title: nil, access: explicit)) == explicit)
        #expect(policy.grants(for: event(department: "Research", title: nil, access: [])).isEmpty)
    }
}
