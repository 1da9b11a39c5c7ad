import Foundation
import RosterCore
import RosterFakes
import RosterTesting
import RosterVendors
import Testing

/// ``OpenAIConnector``'s inventory (issue 15): what OpenAI holds, however it got there, read
/// through the directory the jobs' steps share.
@Suite struct OpenAIInventoryTests {
    @Test func accessAddedBehindRostersBackIsInTheInventory() async throws {
        let connector = OpenAIConnector()
        try await withOpenAIConnector(connector: connector) { fake, runner in
            // An admin adds Ada, a project role, a key and an invite in OpenAI's console.
            let ada = fake.addUser(email: "Ada@Example.com", role: "owner")
            let research = fake.addProject(name: "research-ai")
            try fake.addProjectMember(projectID: research.id, userID: ada.id, role: "owner")
            let key = try fake.addAPIKey(projectID: research.id, name: "notebook", ownerUserID: ada.id)
            try fake.addAPIKey(projectID: research.id, name: "ci", ownerUserID: nil)  // a service account's
            let grace = fake.addInvite(
                email: "grace@example.com", projects: [.init(projectID: research.id, role: "member")])
            fake.addInvite(email: "old@example.com", status: .expired)
            // An archived project with a member: it grants nothing usable.
            let old = fake.addProject(name: "old-research")
            try fake.addProjectMember(projectID: old.id, userID: ada.id)
            let oldKey = try fake.addAPIKey(projectID: old.id, name: "old", ownerUserID: ada.id)
            _ = try fake.withState { state throws in try state.archiveProject(id: old.id) }

            let inventory = try await connector.inventory(inventoryRequest(runner.transport))
            #expect(inventory.vendor == "openai")
            #expect(inventory.members == [.init(id: ada.id, email: "ada@example.com", role: "owner")])
            #expect(inventory.invites.map(\.id) == [grace.id])
            #expect(inventory.invites.first?.email == "grace@example.com")
            #expect(inventory.invites.first?.createdAt != nil && inventory.invites.first?.expiresAt != nil)
            #expect(
                inventory.memberships == [
                    .init(
                        projectID: research.id, project: "research-ai", userID: ada.id, email: "ada@example.com",
                        role: "owner")
                ])
            // The archived project's key is listed, as one OpenAI will not delete.
            #expect(
                Set(inventory.keys) == [
                    .init(id: key.id, projectID: research.id, ownerID: ada.id, ownerEmail: "ada@example.com"),
                    .init(
                        id: oldKey.id, projectID: old.id, ownerID: ada.id, ownerEmail: "ada@example.com",
                        removable: false),
                ])
            #expect(inventory.email(ofUser: ada.id) == "ada@example.com")
            #expect(inventory.unreadable == 0)
            #expect(inventory.unlisted.contains { $0.hasPrefix("Project access through OpenAI groups") })
            #expect(!inventory.unlisted.joined().contains("@"))
            #expect(connector.inviteValidity == nil)
            // The archived project's users are not asked for (OpenAI refuses).
            #expect(listings(fake, "/v1/organization/projects/\(old.id)/users") == 0)
        }
    }

    @Test func anEmptyOrganizationCostsFiveListingsAndAListingHeldIsReusedUntilNotBefore() async throws {
        let connector = OpenAIConnector()
        try await withOpenAIConnector(connector: connector) { fake, runner in
            let first = try await connector.inventory(inventoryRequest(runner.transport))
            #expect(first.members.isEmpty && first.invites.isEmpty && first.memberships.isEmpty && first.keys.isEmpty)
            // Projects, users, invites, and the default project's users and keys.
            #expect(fake.calls.count == 5, "\(fake.calls.map(\.path))")

            // Within the time to live, without a floor, the directory's listings serve again; only
            // keys (never held) are listed anew.
            _ = try await connector.inventory(inventoryRequest(runner.transport))
            #expect(listings(fake, "/v1/organization/users") == 1)
            #expect(listings(fake, "/v1/organization/invites") == 1)
            #expect(listings(fake, "/v1/organization/projects") == 1)
            #expect(listings(fake, "/v1/organization/projects/\(fake.defaultProjectID)/api_keys") == 2)

            // A member added since, and a floor after the listings held: every listing is made anew.
            let ada = fake.addUser(email: "ada@example.com")
            let floor = Date()
            let fresh = try await connector.inventory(inventoryRequest(runner.transport, notBefore: floor))
            #expect(fresh.members.map(\.id) == [ada.id])
            #expect(listings(fake, "/v1/organization/users") == 2)
            #expect(listings(fake, "/v1/organization/invites") == 2)
            #expect(listings(fake, "/v1/organization/projects") == 2)
            #expect(listings(fake, "/v1/organization/projects/\(fake.defaultProjectID)/users") == 2)
        }
    }

    @Test func theInventoryAndTheStepsShareTheDirectorysListings() async throws {
        let connector = OpenAIConnector()
        try await withOpenAIConnector(connector: connector) { fake, runner in
            fake.addProject(name: "research-ai")
            // A joiner's step lists projects and invites …
            try await runner.run(
                VendorStep(vendor: "openai", action: .ensureAccess, project: "research-ai"), for: employees(1)[0])
            #expect(listings(fake, "/v1/organization/projects") == 1)
            #expect(listings(fake, "/v1/organization/invites") == 1)
            // … which the inventory uses (the step's invite is in the listing held) …
            let inventory = try await connector.inventory(inventoryRequest(runner.transport))
            #expect(inventory.invites.map(\.email) == [employees(1)[0].email])
            #expect(listings(fake, "/v1/organization/projects") == 1)
            #expect(listings(fake, "/v1/organization/invites") == 1)
            // … and the next joiner's step still uses them after the inventory read them.
            try await runner.run(
                VendorStep(vendor: "openai", action: .ensureAccess, project: "research-ai"), for: employees(2)[1])
            #expect(listings(fake, "/v1/organization/invites") == 1)
            #expect(listings(fake, "/v1/organization/projects") == 1)
            #expect(fake.invites.filter { $0.status == .pending }.count == 2)
        }
    }

    @Test func unreadableRecordsAreCountedNotFatal() async throws {
        let connector = OpenAIConnector()
        try await withOpenAIConnector(connector: connector) { fake, runner in
            let ada = fake.addUser(email: "ada@example.com")
            let research = fake.addProject(name: "research-ai")
            try fake.addProjectMember(projectID: research.id, userID: ada.id)
            // Records without the fields Roster needs (an id, an address for an invite, a role).
            fake.addRawRecord(
                .object(["object": .string("organization.user"), "name": .string("no id")]),
                toListing: "/v1/organization/users")
            fake.addRawRecord(
                .object(["id": .string("invite-x"), "status": .string("pending")]),
                toListing: "/v1/organization/invites")
            fake.addRawRecord(
                .object(["id": .string("user-x"), "object": .string("organization.project.user")]),
                toListing: "/v1/organization/projects/\(research.id)/users")
            fake.addRawRecord(
                .object(["name": .string("no id")]), toListing: "/v1/organization/projects/\(research.id)/api_keys")

            let inventory = try await connector.inventory(inventoryRequest(runner.transport))
            #expect(inventory.unreadable == 4)
            #expect(inventory.members.map(\.id) == [ada.id])
            #expect(inventory.memberships.map(\.userID) == [ada.id])
        }
    }
}
