import Foundation
import RosterCore
import RosterFakes
import RosterTesting
import RosterVendors
import Testing

/// ``PostHogConnector``'s inventory (issue 15): PostHog grants projects through the organization,
/// so a membership is access: every member in an open project, admins and members with a record
/// in a private one.
@Suite struct PostHogInventoryTests {
    /// A fake, a connector reaching it, and the transport it uses.
    static func withInventory(
        _ body: (FakePostHogServer, PostHogConnector, StepRunner) async throws -> Void
    ) async throws {
        try await withPostHog { fake, runner, _ in
            try await body(fake, try #require(runner.connector as? PostHogConnector), runner)
        }
    }

    @Test func accessAddedBehindRostersBackIsInTheInventory() async throws {
        try await Self.withInventory { fake, connector, runner in
            let secret = fake.addProject(name: "secret", isPrivate: true)
            let analytics = fake.addProject(name: "analytics")
            fake.addProject(name: "legacy", legacyPrivate: true)
            // Added in PostHog's console: an admin, a member with access to the private project,
            // a member without, an invite and an expired one.
            let ada = fake.addMember(email: "Ada@Example.com", level: 8)
            let bo = fake.addMember(
                email: "bo@example.com", privateProjects: [.init(projectID: secret.id, level: "member")])
            let cy = fake.addMember(email: "cy@example.com")
            let grace = fake.addInvite(email: "grace@example.com", level: 8)
            fake.addInvite(email: "old@example.com", isExpired: true)
            let owner = fake.caller

            let inventory = try await connector.inventory(inventoryRequest(runner.transport))
            #expect(inventory.vendor == "posthog")
            #expect(
                Set(inventory.members) == [
                    .init(id: owner.user.uuid, email: owner.user.email, role: "owner", removable: false),
                    .init(id: ada.user.uuid, email: "ada@example.com", role: "admin"),
                    .init(id: bo.user.uuid, email: "bo@example.com", role: "member"),
                    .init(id: cy.user.uuid, email: "cy@example.com", role: "member"),
                ])
            #expect(inventory.invites.map(\.id) == [grace.id])
            #expect(inventory.invites.first?.createdAt != nil)
            func members(of project: FakePostHogState.Project) -> Set<String> {
                Set(inventory.memberships.filter { $0.projectID == String(project.id) }.map(\.userID))
            }
            #expect(members(of: analytics) == [owner.user.uuid, ada.user.uuid, bo.user.uuid, cy.user.uuid])
            #expect(members(of: secret) == [owner.user.uuid, ada.user.uuid, bo.user.uuid])
            let bosSecret = inventory.memberships.first {
                $0.projectID == String(secret.id) && $0.userID == bo.user.uuid
            }
            #expect(
                bosSecret
                    == .init(
                        projectID: String(secret.id), project: "secret", userID: bo.user.uuid, email: "bo@example.com",
                        role: "member"))
            #expect(inventory.memberships.first { $0.userID == ada.user.uuid }?.role == "admin")
            // PostHog refuses to remove an owner: the caller's access is not removable.
            #expect(inventory.memberships.filter { $0.userID == owner.user.uuid }.allSatisfy { !$0.removable })
            #expect(inventory.memberships.filter { $0.userID != owner.user.uuid }.allSatisfy { $0.removable })
            // The legacy private project's explicit members are not read, and it says so.
            #expect(!inventory.memberships.contains { $0.project == "legacy" })
            #expect(inventory.unlisted.contains { $0.contains("1 legacy private project") })
            #expect(inventory.unlisted.contains { $0.hasPrefix("API keys: PostHog does not list") })
            #expect(inventory.keys.isEmpty)
            #expect(inventory.unreadable == 0)
            #expect(connector.inviteValidity == .seconds(3 * 86_400))
        }
    }

    @Test func anEmptyOrganizationCostsFourListingsAndAListingHeldIsReusedUntilNotBefore() async throws {
        try await Self.withInventory { fake, connector, runner in
            _ = try await connector.inventory(inventoryRequest(runner.transport))
            // Projects, members, invites, and the default project's access controls.
            #expect(fake.calls.count == 4, "\(fake.calls.map(\.path))")
            let members = fake.apiPath("members/")
            let controls = fake.apiPath("projects/\(fake.projects[0].id)/access_controls/")

            _ = try await connector.inventory(inventoryRequest(runner.transport))
            #expect(fake.calls.count == 4, "held listings serve within the time to live")

            let ada = fake.addMember(email: "ada@example.com")
            let fresh = try await connector.inventory(inventoryRequest(runner.transport, notBefore: Date()))
            #expect(fresh.members.contains { $0.id == ada.user.uuid })
            #expect(listings(fake, members) == 2)
            #expect(listings(fake, fake.apiPath("invites/")) == 2)
            #expect(listings(fake, fake.apiPath("projects/")) == 2)
            #expect(listings(fake, controls) == 2)
        }
    }

    @Test func theInventoryAndTheStepsShareTheDirectorysListings() async throws {
        try await Self.withInventory { fake, connector, runner in
            fake.addProject(name: "analytics")
            _ = try await connector.inventory(inventoryRequest(runner.transport))
            let before = fake.calls.count
            // A joiner's step finds the project, its access controls and the invites in the
            // listings the inventory made: it only invites.
            try await runner.run(
                VendorStep(vendor: "posthog", action: .ensureAccess, project: "analytics", role: "member"),
                for: employees(1)[0])
            let after = fake.calls.calls.dropFirst(before)
            #expect(after.allSatisfy { $0.method != "GET" || $0.path.contains("/members/") }, "\(after.map(\.path))")
            #expect(after.contains { $0.method == "POST" })
            // The invite the step made is in the directory the next inventory reads.
            let inventory = try await connector.inventory(inventoryRequest(runner.transport))
            #expect(inventory.invites.map(\.email) == [employees(1)[0].email])
            #expect(listings(fake, fake.apiPath("invites/")) == 1)
        }
    }

    @Test func unreadableRecordsAreCountedNotFatal() async throws {
        try await Self.withInventory { fake, connector, runner in
            let secret = fake.addProject(name: "secret", isPrivate: true)
            let ada = fake.addMember(
                email: "ada@example.com", privateProjects: [.init(projectID: secret.id, level: "admin")])
            fake.addRawRecord(
                .object(["id": .string("bad-invite"), "target_email": .string("x@example.com"), "level": .object([:])]),
                to: .invites)
            fake.addRawRecord(.object(["id": .string("bad-member"), "level": .number("1")]), to: .members)
            fake.addRawRecord(.object(["name": .string("no id")]), to: .projects)
            fake.addRawRecord(.string("not a record"), to: .accessControls(projectID: secret.id))

            let inventory = try await connector.inventory(inventoryRequest(runner.transport))
            #expect(inventory.unreadable == 4)
            #expect(inventory.members.contains { $0.id == ada.user.uuid })
            #expect(inventory.memberships.contains { $0.projectID == String(secret.id) && $0.userID == ada.user.uuid })
        }
    }
}
