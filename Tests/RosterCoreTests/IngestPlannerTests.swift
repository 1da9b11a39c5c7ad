import RosterCore
import Testing

@Suite struct IngestPlannerTests {
    func event(_ id: String, _ kind: HREvent.Kind, employee: String = "E1", sequence: Int64? = nil) -> HREvent {
        HREvent(id: id, source: "test", kind: kind, time: Timestamp(microsecondsSince1970: 0), employee: Employee(id: employee, email: "\(employee.lowercased())@example.com"), sequence: sequence)
    }

    let planner = IngestPlanner()

    @Test func ordersByArrivalWhenThereIsNoSequence() {
        let plan = planner.plan(events: [event("a", .onboarding), event("b", .changed), event("c", .onboarding, employee: "E2")], history: ["E1": .init(highestOrder: 4)])
        #expect(plan.jobs.map(\.order) == [5, 6, 1])
        #expect(plan.jobs.allSatisfy { $0.status == .queued })
    }

    @Test func usesSequenceWhenGiven() {
        let plan = planner.plan(events: [event("a", .onboarding, sequence: 7), event("b", .changed)], history: [:])
        #expect(plan.jobs.map(\.order) == [7, 8])
    }

    @Test func offboardingSupersedesEarlierJobsInTheSameBatchAndInPostgres() {
        let plan = planner.plan(events: [event("on", .onboarding), event("ch", .changed), event("off", .offboarding)], history: [:])
        #expect(plan.jobs.map(\.status) == [.cancelled, .cancelled, .queued])
        #expect(plan.jobs[0].cancelReason == "superseded by offboarding off")
        #expect(plan.jobs[2].priority > plan.jobs[0].priority)
        #expect(plan.supersessions == [IngestPlanner.Supersession(employeeID: "E1", throughOrder: 3, offboardingEventID: "off")])
    }

    @Test func lateOnboardingWithAnOlderSequenceNeverBecomesRunnable() {
        let history = ["E1": IngestPlanner.History(highestOrder: 5, latestOffboarding: (5, "off"))]
        let plan = planner.plan(events: [event("late", .onboarding, sequence: 3)], history: history)
        #expect(plan.jobs.first?.status == .cancelled)
        #expect(plan.jobs.first?.cancelReason == "superseded by offboarding off")
    }

    @Test func aRehireAfterTheOffboardingRuns() {
        let history = ["E1": IngestPlanner.History(highestOrder: 5, latestOffboarding: (5, "off"))]
        let plan = planner.plan(events: [event("rehire", .onboarding, sequence: 9), event("next", .onboarding)], history: history)
        #expect(plan.jobs.map(\.status) == [.queued, .queued])
        #expect(plan.jobs.map(\.order) == [9, 10])
    }

    @Test func otherEmployeesAreUntouched() {
        let plan = planner.plan(events: [event("on2", .onboarding, employee: "E2"), event("off1", .offboarding)], history: [:])
        #expect(plan.jobs[0].status == .queued)
        #expect(plan.supersessions.map(\.employeeID) == ["E1"])
    }
}

@Suite struct AccessPolicyTests {
    let policy = AccessPolicy(rules: [
        .init(match: .init(department: "Research"), grant: [AccessGrant(vendor: "openai", project: "research-ai", role: "member")]),
        .init(match: .init(department: "research", title: "Lead"), grant: [AccessGrant(vendor: "posthog", project: "p", role: "admin")]),
        .init(match: .init(), grant: [AccessGrant(vendor: "x", project: "y", role: "z")]),
    ])

    func event(department: String?, title: String?, access: [AccessGrant]? = nil) -> HREvent {
        HREvent(id: "e", source: "s", kind: .onboarding, time: Timestamp(microsecondsSince1970: 0), employee: Employee(id: "E", email: "e@example.com", department: department, title: title), access: access)
    }

    @Test func matchesEveryGivenAttributeIgnoringCase() {
        #expect(policy.grants(for: event(department: "Research", title: "Lead")).map(\.vendor) == ["openai", "posthog"])
        #expect(policy.grants(for: event(department: "Research", title: nil)).map(\.vendor) == ["openai"])
        #expect(policy.grants(for: event(department: "Sales", title: "Lead")).isEmpty, "an empty match matches nobody")
    }

    @Test func explicitAccessWins() {
        let explicit = [AccessGrant(vendor: "relevance", project: "a", role: "viewer")]
        #expect(policy.grants(for: event(department: "Research", title: nil, access: explicit)) == explicit)
        #expect(policy.grants(for: event(department: "Research", title: nil, access: [])).isEmpty)
    }
}
