import Foundation
import RosterCore
import RosterFakes
import RosterTesting
import RosterVendors
import Testing

/// ``RelevanceAIConnector``'s inventory (issue 15): users, invites and keys are listed per
/// project (the project in the `Authorization` header), through the directory the steps share.
@Suite struct RelevanceAIInventoryTests {
    static let users = "/latest/auth/users/list"
    static let invites = "/latest/auth/invite/list"
    static let projects = "/latest/projects/list"

    @Test func accessAddedBehindRostersBackIsInTheInventory() async throws {
        try await withFakeRelevance { fake, driver in
            let research = fake.addProject(name: "research")
            // Added in Relevance AI's interface: an editor with a key, an organisation admin (who
            // sees every project), and an invite.
            let ada = fake.addMember(email: "Ada@Example.com", projectID: research.id, action: "role:editor")
            let key = fake.addAPIKey(userID: ada.id, projectID: research.id, label: "notebook")
            let boss = fake.setOrganizationRole("admin", email: "boss@example.com")
            let grace = fake.addInvite(email: "grace@example.com", projectID: research.id, action: "role:viewer")

            let inventory = try await driver.connector.inventory(inventoryRequest(driver.transport))
            #expect(inventory.vendor == "relevance")
            #expect(
                Set(inventory.members) == [
                    .init(id: ada.id, email: "ada@example.com", role: "viewer", removable: false),
                    .init(id: boss.id, email: "boss@example.com", role: "admin", removable: false),
                ])
            #expect(inventory.invites == [.init(id: grace.code, email: "grace@example.com")])
            #expect(
                Set(inventory.memberships) == [
                    .init(
                        projectID: research.id, project: "research", userID: ada.id, email: "ada@example.com",
                        role: "editor"),
                    .init(
                        projectID: research.id, project: "research", userID: boss.id, email: "boss@example.com",
                        role: "admin"),
                    .init(
                        projectID: fake.defaultProjectID, project: "Default Project", userID: boss.id,
                        email: "boss@example.com",
                        role: "admin"),
                ])
            #expect(
                inventory.keys == [
                    .init(id: key.id, projectID: research.id, ownerID: ada.id, ownerEmail: "ada@example.com")
                ])
            #expect(inventory.unreadable == 0)
            #expect(inventory.unlisted.count == 2)
            #expect(driver.connector.inviteValidity == nil)
        }
    }

    @Test func organisationMembershipAndAnOwnersProjectsAreNotRemovable() async throws {
        try await withFakeRelevance { fake, driver in
            let research = fake.addProject(name: "research")
            let ada = fake.addMember(email: "ada@example.com", projectID: research.id, action: "role:editor")
            let founder = fake.setOrganizationRole("owner", email: "founder@example.com")

            let inventory = try await driver.connector.inventory(inventoryRequest(driver.transport))
            // No API removes organisation membership; owners keep every project.
            #expect(inventory.members.allSatisfy { !$0.removable })
            let owners = inventory.memberships.filter { $0.userID == founder.id }
            #expect(Set(owners.map(\.projectID)) == [research.id, fake.defaultProjectID])
            #expect(owners.allSatisfy { !$0.removable })
            #expect(inventory.memberships.first { $0.userID == ada.id }?.removable == true)
        }
    }

    @Test func anEmptyAccountCostsThreeListingsAndAListingHeldIsReusedUntilNotBefore() async throws {
        try await withFakeRelevance { fake, driver in
            _ = try await driver.connector.inventory(inventoryRequest(driver.transport))
            // Projects, and the home project's users and invites (nobody: no key listings).
            #expect(fake.calls.count == 3, "\(fake.calls.map(\.path))")

            _ = try await driver.connector.inventory(inventoryRequest(driver.transport))
            #expect(fake.calls.count == 3, "held listings serve within the time to live")

            let ada = fake.addMember(email: "ada@example.com", projectID: fake.defaultProjectID)
            let fresh = try await driver.connector.inventory(inventoryRequest(driver.transport, notBefore: Date()))
            #expect(fresh.members.map(\.id) == [ada.id])
            #expect(listings(fake, Self.projects) == 2)
            #expect(listings(fake, Self.users, method: "POST") == 2)
            #expect(listings(fake, Self.invites, method: "POST") == 2)
            #expect(listings(fake, "/latest/auth/users/\(ada.id)/keys/list", method: "POST") == 1)
        }
    }

    @Test func theInventoryAndTheStepsShareTheDirectorysListings() async throws {
        try await withFakeRelevance { fake, driver in
            fake.addProject(name: "research")
            _ = try await driver.connector.inventory(inventoryRequest(driver.transport))
            let before = (listings(fake, Self.projects), listings(fake, Self.invites, method: "POST"))
            // A joiner's step finds the project and the invites in the listings the inventory made.
            try await driver.run(.ensureAccess, project: "research", role: "viewer", for: employee(1))
            #expect(listings(fake, Self.projects) == before.0)
            #expect(listings(fake, Self.invites, method: "POST") == before.1)
            // Its invite is in the directory the next inventory reads, without listing again.
            let inventory = try await driver.connector.inventory(inventoryRequest(driver.transport))
            #expect(inventory.invites.map(\.email) == [employee(1).email])
            #expect(listings(fake, Self.invites, method: "POST") == before.1)
        }
    }

    @Test func unreadableRecordsAreCountedNotFatal() async throws {
        try await withFakeRelevance { fake, driver in
            let research = fake.addProject(name: "research")
            let ada = fake.addMember(email: "ada@example.com", projectID: research.id, action: "role:editor")
            fake.addRawRecord(
                .object(["_id": .string("u-bad"), "email": .number("1")]), to: .users(projectID: research.id))
            fake.addRawRecord(.object(["email": .string("x@example.com")]), to: .invites(projectID: research.id))
            fake.addRawRecord(.object(["name": .number("2")]), to: .projects)

            let inventory = try await driver.connector.inventory(inventoryRequest(driver.transport))
            #expect(inventory.unreadable == 3)
            #expect(inventory.memberships.map(\.userID) == [ada.id])
        }
    }
}
