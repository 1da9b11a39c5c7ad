import Foundation
import RosterCore
import Testing

/// Plans are values: every test compares the whole step list.
@Suite struct JobPlannerTests {
    static let vendors: [String: RosterConfiguration.Vendor] = [
        "openai": .init(kind: .openai, baseURL: "https://api.openai.com/v1", apiKeyEnv: "OPENAI_ADMIN_KEY"),
        "posthog": .init(kind: .posthog, baseURL: "https://us.posthog.com", apiKeyEnv: "PH", organizationID: "o"),
        "confident": .init(kind: .confidentAI, baseURL: "https://api.confident-ai.com", apiKeyEnv: "CF"),
        "relevance": .init(
            kind: .relevanceAI, baseURL: "https://r.example/latest", apiKeyEnv: "RL", organizationID: "o",
            projectID: "p"
        ),
    ]

    static let policy: [RosterConfiguration.PolicyRule] = [
        .init(match: .init(department: "Research"), grant: [grant("openai", "research-ai", "member")]),
        .init(
            match: .init(title: "Lead"),
            grant: [grant("openai", "research-ai", "admin"), grant("posthog", "web", "viewer")]),
    ]

    static func grant(_ vendor: String, _ project: String, _ role: String) -> AccessGrant {
        AccessGrant(vendor: vendor, project: project, role: role)
    }

    static func event(
        _ kind: HREvent.Kind,
        department: String? = nil,
        title: String? = nil,
        access: [AccessGrant]? = nil
    ) -> HREvent {
        HREvent(
            id: "evt-1", source: "test", kind: kind, time: Timestamp(microsecondsSince1970: 0),
            employee: Employee(id: "E1", email: "e1@example.com", department: department, title: title),
            access: access
        )
    }

    let planner = JobPlanner(configuration: RosterConfiguration(vendors: vendors, policy: policy))

    // MARK: - Onboarding

    @Test func onboardingEnsuresEachProjectOnceThenAccessGroupedByVendorAndProject() throws {
        let access = [
            Self.grant("posthog", "web", "admin"), Self.grant("openai", "b", "member"),
            Self.grant("openai", "a", "owner"), Self.grant("openai", "b", "member"),
        ]
        #expect(
            try planner.plan(for: Self.event(.onboarding, access: access)) == [
                VendorStep(vendor: "openai", action: .ensureProject, project: "a"),
                VendorStep(vendor: "openai", action: .ensureAccess, project: "a", role: "owner"),
                VendorStep(vendor: "openai", action: .ensureProject, project: "b"),
                VendorStep(vendor: "openai", action: .ensureAccess, project: "b", role: "member"),
                VendorStep(vendor: "posthog", action: .ensureProject, project: "web"),
                VendorStep(vendor: "posthog", action: .ensureAccess, project: "web", role: "admin"),
            ]
        )
    }

    @Test func onboardingWithoutExplicitAccessFollowsThePolicyAndMapsRoles() throws {
        #expect(
            try planner.plan(for: Self.event(.onboarding, department: "research")) == [
                VendorStep(vendor: "openai", action: .ensureProject, project: "research-ai"),
                VendorStep(vendor: "openai", action: .ensureAccess, project: "research-ai", role: "member"),
            ]
        )
    }

    @Test func twoRulesGrantingOneProjectGiveTheStrongerRoleWhateverTheOrder() throws {
        let steps = try planner.plan(for: Self.event(.onboarding, department: "Research", title: "Lead"))
        #expect(
            steps == [
                VendorStep(vendor: "openai", action: .ensureProject, project: "research-ai"),
                VendorStep(vendor: "openai", action: .ensureAccess, project: "research-ai", role: "owner"),
                VendorStep(vendor: "posthog", action: .ensureProject, project: "web"),
                VendorStep(vendor: "posthog", action: .ensureAccess, project: "web", role: "member"),
            ]
        )
        let access = [Self.grant("confident", "evals", "Manager"), Self.grant("confident", "evals", "viewer")]
        let reversed = Array(access.reversed())
        let one = try planner.desiredGrants(for: Self.event(.onboarding, access: access))
        let other = try planner.desiredGrants(for: Self.event(.onboarding, access: reversed))
        #expect(one == [Self.grant("confident", "evals", "Manager")])
        #expect(one == other)
    }

    @Test func onboardingWithNothingGrantedPlansNothing() throws {
        #expect(try planner.plan(for: Self.event(.onboarding, department: "Sales")).isEmpty)
        #expect(try planner.plan(for: Self.event(.onboarding, access: [])).isEmpty)
    }

    // MARK: - Changed

    @Test func changedReconcilesEveryVendorIncludingThoseWithNothingGranted() throws {
        let access = [Self.grant("relevance", "agents", "member"), Self.grant("openai", "a", "viewer")]
        #expect(
            try planner.plan(for: Self.event(.changed, access: access)) == [
                VendorStep(vendor: "confident", action: .reconcile, grants: []),
                VendorStep(vendor: "openai", action: .reconcile, grants: [Self.grant("openai", "a", "member")]),
                VendorStep(vendor: "posthog", action: .reconcile, grants: []),
                VendorStep(
                    vendor: "relevance", action: .reconcile, grants: [Self.grant("relevance", "agents", "editor")]),
            ]
        )
    }

    // MARK: - Offboarding

    @Test func offboardingRevokesEverythingEverywhereKeysBeforeAnyMembership() throws {
        let steps = try planner.plan(for: Self.event(.offboarding, access: [Self.grant("openai", "a", "member")]))
        let names = ["confident", "openai", "posthog", "relevance"]
        let expected = JobPlanner.offboardingPhases.flatMap { action in
            names.map { VendorStep(vendor: $0, action: action) }
        }
        #expect(steps == expected)
        #expect(steps.count == 16)
        #expect(steps.allSatisfy { $0.action.isRevocation && $0.project == nil && $0.role == nil && $0.grants == nil })
        let lastKeys = try #require(steps.lastIndex { $0.action == .revokeAPIKeys })
        let firstMembership = try #require(steps.firstIndex { $0.action == .removeProjectMemberships })
        #expect(lastKeys < firstMembership)
        #expect(
            JobPlanner.offboardingPhases == [
                .revokeInvites, .revokeAPIKeys, .removeProjectMemberships, .removeOrganizationMembership,
            ]
        )
    }

    @Test func offboardingPlansEvenWhenThePolicyCannotBeMapped() throws {
        let broken = [
            RosterConfiguration.PolicyRule(match: .init(department: "X"), grant: [Self.grant("nowhere", "p", "boss")])
        ]
        let planner = JobPlanner(configuration: RosterConfiguration(vendors: Self.vendors, policy: broken))
        #expect(try planner.plan(for: Self.event(.offboarding, department: "X")).count == 16)
        #expect(throws: PlanningError.self) { try planner.plan(for: Self.event(.onboarding, department: "X")) }
    }

    @Test func noVendorsMeansAnEmptyOffboarding() throws {
        #expect(try JobPlanner(configuration: RosterConfiguration()).plan(for: Self.event(.offboarding)).isEmpty)
    }

    // MARK: - Errors

    @Test func anUnknownRoleIsAPlanningErrorNamingTheKnownRoles() {
        let access = [Self.grant("openai", "a", "superuser")]
        #expect {
            try planner.plan(for: Self.event(.onboarding, access: access))
        } throws: { error in
            guard let error = error as? PlanningError else { return false }
            return error.code == .unknownRole && !error.isRetryable
                && error.description == "role superuser is not known for vendor openai "
                    + "(known: admin, editor, member, owner, viewer)"
        }
    }

    @Test func anUnconfiguredVendorIsAPlanningError() {
        #expect {
            try planner.plan(for: Self.event(.changed, access: [Self.grant("salesforce", "crm", "member")]))
        } throws: { error in
            (error as? PlanningError)?.code == .unknownVendor
                && (error as? PlanningError)?.description
                    == "vendor salesforce is not configured (configured: confident, openai, posthog, relevance)"
        }
    }

    @Test func confidentOwnerIsRefusedUnlessMapped() throws {
        let access = [Self.grant("confident", "evals", "owner")]
        #expect {
            try planner.plan(for: Self.event(.onboarding, access: access))
        } throws: { error in
            (error as? PlanningError)?.code == .refusedRole
        }
        var vendors = Self.vendors
        vendors["confident"]?.roles = ["owner": "Manager"]
        let mapped = JobPlanner(configuration: RosterConfiguration(vendors: vendors))
        #expect(
            try mapped.desiredGrants(for: Self.event(.onboarding, access: access)) == [
                Self.grant("confident", "evals", "Manager")
            ])
    }

    // MARK: - Examples

    /// Every valid example event plans against the four-vendor configuration `roster dev` uses.
    @Test func everyValidExamplePlans() throws {
        let decoder = HREventDecoder(knownVendors: Set(Self.vendors.keys))
        var counts: [String: Int] = [:]
        for (name, bytes) in try Repository.examples("valid") {
            let event = try decoder.decode(bytes)
            counts[name] = try planner.plan(for: event).count
        }
        #expect(
            counts == [
                "01-onboarding-ada.json": 4, "02-onboarding-grace-policy.json": 2,
                "03-onboarding-alan-all-vendors.json": 8, "04-changed-ada.json": 4, "05-offboarding-grace.json": 16,
            ]
        )
    }
}
