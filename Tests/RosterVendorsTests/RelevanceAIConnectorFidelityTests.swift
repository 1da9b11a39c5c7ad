import Foundation
import RosterCore
import RosterTesting
import RosterVendors
import Testing

/// The Relevance AI connector's steps against the fake playing the vendor's documented
/// behaviour (issue 13, items 6–9 and 2), over real HTTP on loopback.
@Suite struct RelevanceAIConnectorFidelityTests {
    static let offboarding: [VendorStep.Action] = [
        .revokeInvites, .revokeAPIKeys, .removeProjectMemberships, .removeOrganizationMembership,
    ]

    // MARK: - Paging (item 6)

    @Test func aLeaverListedOnlyAfterAnEmptyPageIsRemoved() async throws {
        try await withFakeRelevance { fake, driver in
            let leaver = employee(7)
            let research = fake.addProject(name: "research")
            let other = fake.addProject(name: "other")
            for index in 1...120 { fake.addMember(email: "d\(index)\(leaver.email)", projectID: other.id) }
            let user = fake.addMember(email: leaver.email, projectID: research.id, action: "role:editor")
            fake.addAPIKey(userID: user.id, projectID: research.id)
            for action in Self.offboarding { try await driver.run(action, for: leaver) }
            #expect(fake.traces(of: leaver.email) == (0, 0, 0))
            #expect(fake.members(of: other.id).count == 120, "bystanders untouched")
        }
    }

    // MARK: - Organisation admins (item 8)

    @Test(arguments: [FakeRelevanceAIState.Options.OrganizationAdminRemoval.refused, .keepsAccess])
    func anOrganisationAdminIsMadeAMemberThenRemovedFromEveryProject(
        removal: FakeRelevanceAIState.Options.OrganizationAdminRemoval
    ) async throws {
        try await withFakeRelevance(options: .init(organizationAdminRemoval: removal)) { fake, driver in
            let boss = employee(9)
            let research = fake.addProject(name: "research")
            let evals = fake.addProject(name: "evals")
            let user = fake.addMember(email: boss.email, projectID: research.id, action: "admin")
            fake.addMember(email: boss.email, projectID: evals.id, action: "role:viewer")
            fake.setOrganizationRole("admin", email: boss.email)
            fake.addAPIKey(userID: user.id, projectID: research.id)

            var outcomes: [StepOutcome] = []
            for action in Self.offboarding { outcomes.append(try await driver.run(action, for: boss)) }
            #expect(fake.organizationRole(of: boss.email) == "operator")
            #expect(fake.accessibleProjects(of: boss.email).isEmpty, "no project left, inherited or explicit")
            #expect(fake.traces(of: boss.email) == (0, 0, 0))
            let demotions = driver.trail.audits.filter { $0.action.rawValue == "change_organization_role" }
            #expect(
                demotions.map(\.target) == [
                    ["organization_id": fake.organizationID, "user_id": user.id, "role": "operator"]
                ])
            let update = fake.calls.calls("POST", path: "/latest/auth/organization/", prefix: true)
            let bodies = try update.map { try JSONParser().parse($0.body ?? "") }
            #expect(bodies == [.object(["admin": .bool(false), "role": .string("operator")])])
            let demotedBeforeRemoval =
                (update.first?.id ?? .max)
                < (fake.calls.calls("POST", path: "/latest/auth/users/", prefix: true)
                    .filter { $0.path.hasSuffix("/delete") && !$0.path.contains("/keys/") }.map(\.id).min() ?? 0)
            #expect(demotedBeforeRemoval)
            #expect(outcomes[2].summary.contains("organisation member (was admin)"))
            #expect(outcomes[3].residual == RelevanceAIConnector.organizationResidual)
            #expect(outcomes[3].residual?.contains("member of the Relevance AI organisation with no projects") == true)

            // Done is done: a re-run changes nothing.
            fake.clearCalls()
            for action in Self.offboarding { try await driver.run(action, for: boss) }
            #expect(onlyListings(fake.calls))
        }
    }

    @Test func anOwnerIsNotDemotedAndTheResidualSaysSo() async throws {
        try await withFakeRelevance { fake, driver in
            let owner = employee(3)
            let research = fake.addProject(name: "research")
            fake.addMember(email: owner.email, projectID: research.id, action: "admin")
            fake.setOrganizationRole("owner", email: owner.email)
            let outcome = try await driver.run(.removeProjectMemberships, for: owner)
            #expect(outcome.residual?.contains("owner of the Relevance AI organisation") == true)
            #expect(fake.organizationRole(of: owner.email) == "owner")
            #expect(fake.calls.mutatingCalls.allSatisfy { $0.path.hasSuffix("/list") })
        }
    }

    @Test func reconcileLeavesAnOrganisationAdminsInheritedAccessAlone() async throws {
        try await withFakeRelevance { fake, driver in
            let boss = employee(4)
            let research = fake.addProject(name: "research")
            fake.addProject(name: "evals")
            fake.addMember(email: boss.email, projectID: research.id, action: "role:editor")
            fake.setOrganizationRole("admin", email: boss.email)
            let grants = [AccessGrant(vendor: "relevance", project: "research", role: "editor")]
            let outcome = try await driver.run(.reconcile, grants: grants, for: boss)
            #expect(outcome.summary.contains("organisation admin"))
            #expect(
                fake.organizationRole(of: boss.email) == "admin", "a change event does not change organisation roles")
            #expect(fake.actions(of: boss.email, in: research.id) == ["role:editor"])
        }
    }

    // MARK: - Roles (item 9)

    @Test(arguments: ["admin", "editor", "operator", "viewer", "chat"])
    func anUnchangedRoleIsNotWrittenAgain(role: String) async throws {
        try await withFakeRelevance { fake, driver in
            let ada = employee(1)
            let research = fake.addProject(name: "research")
            let action = try #require(RelevanceAIRole(name: role)).action
            fake.addMember(email: ada.email, projectID: research.id, action: action)
            // Also a member elsewhere with another role: the right project's entry is read.
            let evals = fake.addProject(name: "evals")
            fake.addMember(email: ada.email, projectID: evals.id, action: role == "chat" ? "admin" : "role:chat")
            let outcome = try await driver.run(.ensureAccess, project: "research", role: role, for: ada)
            #expect(outcome.summary.contains("already"))
            #expect(onlyListings(fake.calls))
            #expect(driver.trail.audits.isEmpty)
        }
    }

    @Test func aChangedRoleIsWrittenOnceWithOverwrite() async throws {
        try await withFakeRelevance { fake, driver in
            let ada = employee(1)
            let research = fake.addProject(name: "research")
            fake.addMember(email: ada.email, projectID: research.id, action: "role:viewer")
            try await driver.run(.ensureAccess, project: "research", role: "operator", for: ada)
            try await driver.run(.ensureAccess, project: "research", role: "operator", for: ada)
            #expect(fake.actions(of: ada.email, in: research.id) == ["role:operator"])
            #expect(driver.trail.audits.map(\.action.rawValue) == ["change_project_role"])
        }
    }

    // MARK: - Invites (item 7)

    @Test(arguments: [true, false])
    func invitesStillListedAfterDeletionAreResidualNeverReportedRevoked(notFound: Bool) async throws {
        let options = FakeRelevanceAIState.Options(missingDeleteIsNotFound: notFound, inviteIDs: .separate)
        try await withFakeRelevance(options: options) { fake, driver in
            let ada = employee(1)
            let research = fake.addProject(name: "research")
            let invite = fake.addInvite(email: ada.email, projectID: research.id)
            let outcome = try await driver.run(.revokeInvites, for: ada)
            let residual = try #require(outcome.residual)
            #expect(residual.contains("\(research.id):\(invite.recordID)"))
            #expect(residual.contains("invite_code"))
            #expect(!outcome.summary.contains("revoked"))
            #expect(driver.trail.audits.map(\.outcome.rawValue) == ["still_listed"])
            #expect(driver.lastState.lists["deleted_invites"] == nil)
            // The offboarding goes on: the next steps still run.
            fake.addMember(email: ada.email, projectID: research.id)
            try await driver.run(.removeProjectMemberships, for: ada)
            #expect(fake.actions(of: ada.email, in: research.id) == nil)
        }
    }

    @Test func aDeletionAnswered404CountsOnceTheListingAgrees() async throws {
        try await withFakeRelevance { fake, driver in
            let ada = employee(1)
            let research = fake.addProject(name: "research")
            let invite = fake.addInvite(email: ada.email, projectID: research.id)
            // Someone else deletes it between Roster's listing and its delete: 404, then gone.
            fake.injectFaults(
                [.statusAfterApplying(404)],
                matching: FakeRequestMatcher(method: "POST", pathPrefix: "/latest/auth/invite/delete")
            )
            let outcome = try await driver.run(.revokeInvites, for: ada)
            #expect(outcome.residual == nil)
            #expect(driver.trail.audits.map(\.outcome.rawValue) == ["already_gone"])
            #expect(driver.lastState.lists["deleted_invites"] == ["\(research.id):\(invite.code)"])
            // The home project's listing, research's, and research's again to check the deletion.
            #expect(fake.calls.calls("POST", path: "/latest/auth/invite/list").count == 3)
        }
    }

    @Test func aStaleInviteThatCannotBeDeletedIsNotSilentlyKeptOnOnboarding() async throws {
        try await withFakeRelevance(options: .init(inviteIDs: .separate)) { fake, driver in
            let ada = employee(1)
            let research = fake.addProject(name: "research")
            fake.addInvite(email: ada.email, projectID: research.id, action: "role:viewer")
            let error = await expectVendorError {
                try await driver.run(.ensureAccess, project: "research", role: "editor", for: ada)
            }
            #expect(error?.classification == .permanent)
            #expect(error?.message.contains("invite_code") == true)
            #expect(fake.calls.calls("POST", path: "/latest/auth/invite/create").isEmpty)
        }
    }

    // MARK: - Unreadable records (item 2)

    @Test func unreadableRecordsAreSkippedCountedAndNamedByID() async throws {
        try await withFakeRelevance { fake, driver in
            let ada = employee(1)
            let research = fake.addProject(name: "research")
            fake.addMember(email: ada.email, projectID: research.id)
            fake.addRawRecord(
                .object(["_id": .string("u-odd"), "type": .string("user")]), to: .users(projectID: research.id))
            let outcome = try await driver.run(.removeProjectMemberships, for: ada)
            #expect(outcome.summary.contains("skipped 1 unreadable record(s)"))
            #expect(outcome.summary.contains("u-odd"))
            #expect(fake.actions(of: ada.email, in: research.id) == nil)
        }
    }
}
