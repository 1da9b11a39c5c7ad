import Foundation
import MetricsTestKit
import RosterCore
import RosterTesting
import RosterVendors
import Testing

/// ``OpenAIAdminClient`` and ``OpenAIConnector`` where the fake follows openai/openai-openapi
/// (issue 13): users without an address, an `emails[]` filter whose case handling is not
/// documented, SCIM-managed users, and listings that survive a record Roster cannot read.
@Suite struct OpenAIFidelityTests {
    static let ada = Employee(id: "E1", email: "ada@example.com", name: "Ada")

    static let offboarding: [VendorStep.Action] = [
        .revokeInvites, .revokeAPIKeys, .removeProjectMemberships, .removeOrganizationMembership,
    ]

    @Test func aUserWithANullEmailNeverFailsAPage() async throws {
        try await withFakeOpenAI { fake, client in
            let service = fake.addUser(email: nil, name: "Service")
            fake.addUser(email: Self.ada.email)
            let users = try await client.listUsers()
            #expect(users.map(\.id).contains(service.id))
            #expect(users.first { $0.id == service.id }?.email == nil)
            #expect(try await client.findUser(email: Self.ada.email)?.email == Self.ada.email)
            #expect(try await client.findUser(email: "nobody@example.com", fullListing: true) == nil)
        }
    }

    @Test func anUnreadableUserIsSkippedAndCountedUnlessItIsThePersons() async throws {
        let body = """
            {"object":"list","data":[
            {"object":"organization.user","name":"no id","email":"grace@example.com"},
            {"object":"organization.user","id":"user-2","email":null,"added_at":1},
            {"object":"organization.user","id":"user-3","email":"bo@example.com","added_at":2}],
            "first_id":"user-2","last_id":"user-3","has_more":false}
            """
        let client = OpenAIAdminClient(transport: StubTransport(status: 200, body: body))
        let metrics = TestMetrics()
        let users = try await VendorRecordSkips.$factory.withValue(metrics) { try await client.listUsers() }
        #expect(users.map(\.id) == ["user-2", "user-3"])
        #expect(try metrics.expectCounter(VendorRecordSkips.metricName, [("vendor", "openai")]).totalValue == 1)
        #expect(try await client.findUser(email: "bo@example.com")?.id == "user-3")
        let refused = await expectVendorError { _ = try await client.findUser(email: "Grace@example.com") }
        #expect(refused?.classification == .permanent)
        #expect(refused?.message.contains("@") == false)
    }

    @Test func anOffboardingFindsAMixedCaseUserThroughTheFullListing() async throws {
        try await withOpenAIConnector(options: .init(emailFilterIgnoresCase: false)) { fake, runner in
            let user = fake.addUser(email: "Ada@Example.com")
            fake.addUser(email: nil)
            let project = fake.addProject(name: "research-ai")
            try fake.addProjectMember(projectID: project.id, userID: user.id)
            try fake.addAPIKey(projectID: project.id, name: "notebook", ownerUserID: user.id)
            for action in Self.offboarding {
                try await runner.run(VendorStep(vendor: "openai", action: action), for: Self.ada)
            }
            #expect(!fake.users.contains { $0.id == user.id })
            #expect(fake.apiKeys(in: project.id).isEmpty)
            #expect(fake.members(of: project.id).isEmpty)
            // Each of the three steps that need the user id: the filter, then one full listing.
            let lookups = fake.calls.calls("GET", path: "/v1/organization/users").map(\.query)
            #expect(lookups.count == 6, "\(lookups)")
            #expect(lookups.enumerated().allSatisfy { $0.element.contains("emails") == ($0.offset % 2 == 0) })
        }
    }

    @Test func aSCIMManagedLeaverIsReportedAsResidual() async throws {
        try await withOpenAIConnector { fake, runner in
            fake.addUser(email: Self.ada.email, isScimManaged: true)
            var residuals: [String] = []
            for action in Self.offboarding {
                let (outcome, _) = try await runner.run(VendorStep(vendor: "openai", action: action), for: Self.ada)
                if let residual = outcome.residual { residuals.append(residual) }
            }
            #expect(fake.users.isEmpty)
            #expect(residuals.count == 1)
            #expect(residuals.first?.contains("SCIM-managed") == true)
            #expect(residuals.first?.contains("@") == false)
        }
    }

    @Test func onboardingBesideAUserWithoutAnAddress() async throws {
        try await withOpenAIConnector { fake, runner in
            fake.addUser(email: nil)
            let step = VendorStep(vendor: "openai", action: .ensureAccess, project: "research-ai", role: "member")
            try await runner.run(
                VendorStep(vendor: "openai", action: .ensureProject, project: "research-ai"), for: Self.ada)
            let (outcome, _) = try await runner.run(step, for: Self.ada)
            #expect(outcome.summary.hasPrefix("invited"))
            #expect(fake.invites.count == 1)
        }
    }
}
