import Foundation
import RosterCore
import RosterTesting
import RosterVendors
import Testing

/// "Accept, then grant": a new person's Confident AI project access waits for them to accept
/// the organization invitation (``AwaitingAcceptance``), is resent once past half the window and
/// fails for good past it. The fake's side first.
@Suite struct ConfidentAIAcceptanceTests {
    // MARK: - The fake

    /// confident-ai/confident-docs `fern/openapi.yaml` (Create Project Invitations): a user must
    /// be an organization member before joining a project; the fake refuses the whole call with
    /// 400 (``FakeConfidentAIState/Options/NonMemberProjectInvitation/reject``, the default).
    @Test func theFakeRefusesAProjectInvitationForANonMemberUntilTheyAccept() async throws {
        try await withFakeConfident { fake, driver in
            let research = try fake.addProject(name: "research")
            let client = ConfidentAIClient(transport: driver.transport)
            let email = employee(1).email
            try await client.inviteToOrganization(emails: [email], roleID: nil)
            let refused = await expectVendorError {
                try await client.inviteToProject(projectID: research.id, emails: [email], roleID: nil)
            }
            #expect(refused?.status == 400)
            #expect(refused?.classification == .permanent)
            #expect(refused?.redactedMessage.contains("not a member of this organization") == true)
            #expect(fake.invitations(projectID: research.id).isEmpty)

            // Resend (`PUT /v1/organization/invitations/{id}`) works while it is pending.
            let pending = try #require(fake.pendingInvitations(email: email).first)
            try await client.resendOrganizationInvitation(id: String(pending.id))
            #expect(fake.calls.calls("PUT", path: "/v1/organization/invitations/\(pending.id)").first?.status == 200)

            // The person accepts: a member now, and the project invitation goes through.
            let member = try fake.acceptInvitation(email: email)
            #expect(fake.members.contains { $0.id == member.id })
            let created = try await client.inviteToProject(projectID: research.id, emails: [email], roleID: nil)
            #expect(created.count == 1)
            // An accepted invitation is no longer there to resend.
            let gone = await expectVendorError { try await client.resendOrganizationInvitation(id: String(pending.id)) }
            #expect(gone?.status == 404)
        }
    }

    // MARK: - The connector

    @Test func aNewPersonWaitsForAcceptanceThenGetsProjectAccess() async throws {
        try await withFakeConfident { fake, driver in
            let ada = employee(1)
            try await driver.run(.ensureProject, project: "research", for: ada)
            let research = try #require(fake.project(named: "research"))
            var wait: AwaitingAcceptance?
            do {
                try await driver.run(.ensureAccess, project: "research", role: "Member", for: ada)
                Issue.record("expected to wait for acceptance")
            } catch let error as AwaitingAcceptance { wait = error }
            #expect(wait?.retryAfter == .seconds(60), "the first re-check after a minute")
            #expect(wait?.reason.hasPrefix("waiting for acceptance since ") == true)
            let state = driver.lastState
            let invitedAt = try #require(state["org_invited_at"].flatMap(Double.init))
            #expect(abs(invitedAt - Date().timeIntervalSince1970) < 60)
            #expect(!state.values.values.contains { $0.contains("@") }, "no address in the state")
            #expect(fake.calls.calls("POST", path: "/v1/organization/invitations").count == 1)
            #expect(fake.invitations(projectID: research.id).isEmpty)

            // Looking again while they have not accepted: no new invitation, still waiting, and
            // the wait is counted from the first invitation.
            var again: AwaitingAcceptance?
            do {
                try await driver.run(.ensureAccess, project: "research", role: "Member", for: ada, state: state)
            } catch let error as AwaitingAcceptance { again = error }
            #expect(again?.since == wait?.since)
            #expect(fake.calls.calls("POST", path: "/v1/organization/invitations").count == 1)

            // They accept: the project invitation follows and the step succeeds. The step resumes
            // from its last checkpoint, as the engine's does (it records when it last looked).
            try fake.acceptInvitation(email: ada.email)
            let outcome = try await driver.run(
                .ensureAccess, project: "research", role: "Member", for: ada, state: driver.lastState)
            #expect(outcome.summary.contains("invited to \(research.id)"))
            #expect(fake.invitations(projectID: research.id).filter(\.isPending).count == 1)
        }
    }

    @Test func pastHalfTheWindowTheInvitationIsResentOnce() async throws {
        try await withFakeConfident { fake, driver in
            let ada = employee(1)
            try fake.addProject(name: "research")
            let invitation = fake.addInvitation(email: ada.email, role: "Member")
            var state = StepState()
            state.values["org_invited_at"] = String(Int64(Date().timeIntervalSince1970) - 8 * 86_400)
            var wait: AwaitingAcceptance?
            do {
                try await driver.run(.ensureAccess, project: "research", role: "Member", for: ada, state: state)
            } catch let error as AwaitingAcceptance { wait = error }
            #expect(wait?.retryAfter == .seconds(3_600), "an hour at most between re-checks")
            #expect(fake.calls.calls("PUT", path: "/v1/organization/invitations/\(invitation.id)").count == 1)
            #expect(driver.lastState["resent"] != nil)
            #expect(driver.trail.audits.map(\.action.rawValue) == ["resend_invite"])

            await #expect(throws: AwaitingAcceptance.self) {
                try await driver.run(
                    .ensureAccess, project: "research", role: "Member", for: ada, state: driver.lastState)
            }
            #expect(fake.calls.calls("PUT", path: "/v1/organization/invitations/\(invitation.id)").count == 1, "once")
        }
    }

    @Test func pastTheWindowTheStepFailsForGood() async throws {
        try await withFakeConfident { fake, driver in
            let ada = employee(1)
            try fake.addProject(name: "research")
            fake.addInvitation(email: ada.email, role: "Member")
            var state = StepState()
            state.values["org_invited_at"] = String(Int64(Date().timeIntervalSince1970) - 15 * 86_400)
            let error = await expectVendorError {
                try await driver.run(.ensureAccess, project: "research", role: "Member", for: ada, state: state)
            }
            #expect(error?.classification == .permanent)
            #expect(error?.redactedMessage == "the invitation was not accepted within 14 days")
        }
    }

    @Test func reChecksGrowFromAMinuteToAnHourAndStayWithinShortWindows() {
        let day: TimeInterval = 86_400
        #expect(AwaitingAcceptance.recheckDelay(elapsed: 0, window: 14 * day) == .seconds(60))
        #expect(AwaitingAcceptance.recheckDelay(elapsed: 600, window: 14 * day) == .seconds(150))
        #expect(AwaitingAcceptance.recheckDelay(elapsed: day, window: 14 * day) == .seconds(3_600))
        #expect(AwaitingAcceptance.recheckDelay(elapsed: 5, window: 20) == .milliseconds(2_500))
    }

    @Test func theWindowIsRangeChecked() {
        let ok = SettingRange("vendors.confident.acceptance_window_days", 14, 0.0001...365, "")
        #expect(ok.problem == nil)
        var vendor = RosterConfiguration.Vendor(kind: .confidentAI, baseURL: "http://x", apiKeyEnv: "K")
        #expect(vendor.effectiveAcceptanceWindow == 14 * 86_400)
        vendor.acceptanceWindowDays = 0.5
        #expect(vendor.effectiveAcceptanceWindow == 43_200)
    }
}
