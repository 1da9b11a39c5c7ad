import Foundation
import RosterCore
import RosterFakes
import RosterTesting
import RosterVendors
import Testing

/// ``ConfidentAIConnector``'s inventory (issue 15): organization members and invitations, and per
/// project its members and invitations, read through the directory the steps share.
@Suite struct ConfidentAIInventoryTests {
    static let members = "/v1/organization/members"
    static let invitations = "/v1/organization/invitations"
    static let projects = "/v1/projects"

    @Test func accessAddedBehindRostersBackIsInTheInventory() async throws {
        try await withFakeConfident { fake, driver in
            // Added in Confident AI's interface: an admin who manages a project, invitations of
            // both kinds, and a declined one.
            let ada = fake.addMember(email: "Ada@Example.com", role: "Admin")
            let evals = try fake.addProject(name: "evals")
            fake.addProjectMember(projectID: evals.id, userID: ada.id, role: "Manager")
            let grace = fake.addInvitation(email: "grace@example.com", role: "Member")
            let adaToEvals = fake.addInvitation(email: "ada@example.com", projectID: evals.id, role: "Viewer")
            fake.addInvitation(email: "no@example.com", status: .declined)

            let inventory = try await driver.connector.inventory(inventoryRequest(driver.transport))
            #expect(inventory.vendor == "confident")
            #expect(
                Set(inventory.members) == [
                    .init(id: fake.owner.id, email: fake.owner.email, role: "Owner", removable: false),
                    .init(id: ada.id, email: "ada@example.com", role: "Admin"),
                ])
            #expect(inventory.invites.map(\.id) == [String(grace.id), "project:\(evals.id):\(adaToEvals.id)"])
            #expect(inventory.invites.map(\.email) == ["grace@example.com", "ada@example.com"])
            #expect(inventory.invites.allSatisfy { $0.createdAt != nil })
            #expect(
                inventory.memberships == [
                    .init(
                        projectID: evals.id, project: "evals", userID: ada.id, email: "ada@example.com", role: "Manager"
                    )
                ])
            #expect(inventory.keys.isEmpty)
            #expect(inventory.unlisted.contains { $0.hasPrefix("API keys: Confident AI keys belong to projects") })
            #expect(inventory.unreadable == 0)
            #expect(driver.connector.inviteValidity == nil)
        }
    }

    @Test func anEmptyOrganizationCostsThreeListingsAndAListingHeldIsReusedUntilNotBefore() async throws {
        try await withFakeConfident { fake, driver in
            _ = try await driver.connector.inventory(inventoryRequest(driver.transport))
            // Projects, members and invitations (no project: nothing per project).
            #expect(fake.calls.count == 3, "\(fake.calls.map(\.path))")

            _ = try await driver.connector.inventory(inventoryRequest(driver.transport))
            #expect(fake.calls.count == 3, "held listings serve within the time to live")

            let ada = fake.addMember(email: "ada@example.com")
            let fresh = try await driver.connector.inventory(inventoryRequest(driver.transport, notBefore: Date()))
            #expect(fresh.members.contains { $0.id == ada.id })
            #expect(listings(fake, Self.members) == 2)
            #expect(listings(fake, Self.invitations) == 2)
            #expect(listings(fake, Self.projects) == 2)
        }
    }

    @Test func theInventoryAndTheStepsShareTheDirectorysListings() async throws {
        try await withFakeConfident { fake, driver in
            try fake.addProject(name: "evals")
            _ = try await driver.connector.inventory(inventoryRequest(driver.transport))
            let before = fake.calls.calls.filter { $0.method == "GET" && !$0.path.hasSuffix("/roles") }.count
            // A joiner's step decides from the listings the inventory made (roles aside, which the
            // inventory does not read): it lists nothing else and invites.
            let waiting = await #expect(throws: AwaitingAcceptance.self) {
                try await driver.run(.ensureAccess, project: "evals", role: "Member", for: employee(1))
            }
            #expect(waiting != nil)
            #expect(fake.calls.calls.filter { $0.method == "GET" && !$0.path.hasSuffix("/roles") }.count == before)
            #expect(fake.pendingInvitations(email: employee(1).email).count == 1)
            // Its invitation is in the directory the next inventory reads, without listing again.
            let inventory = try await driver.connector.inventory(inventoryRequest(driver.transport))
            #expect(inventory.invites.map(\.email) == [employee(1).email])
            #expect(listings(fake, Self.invitations) == 1)
        }
    }

    @Test func unreadableRecordsAreCountedNotFatal() async throws {
        try await withFakeConfident { fake, driver in
            let ada = fake.addMember(email: "ada@example.com")
            let evals = try fake.addProject(name: "evals")
            fake.addProjectMember(projectID: evals.id, userID: ada.id)
            fake.addRawRecord(.object(["id": .string("u-bad")]), toListing: Self.members)
            fake.addRawRecord(.object(["email": .string("x@example.com")]), toListing: Self.invitations)
            fake.addRawRecord(.object(["name": .string("no id")]), toListing: Self.projects)
            fake.addRawRecord(.object(["id": .string("u-bad")]), toListing: "/v1/projects/\(evals.id)/members")

            let inventory = try await driver.connector.inventory(inventoryRequest(driver.transport))
            #expect(inventory.unreadable == 4)
            #expect(inventory.members.contains { $0.id == ada.id })
            #expect(inventory.memberships.map(\.userID) == [ada.id])
        }
    }
}
