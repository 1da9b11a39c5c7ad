import Foundation
import RosterCore
import RosterTesting
import RosterVendors
import Testing

/// The Confident AI connector's steps against the fake, over real HTTP on loopback.
@Suite struct ConfidentAIConnectorTests {
    @Test func onboardsFortyFiveEmployeesIntoTwoProjects() async throws {
        try await withFakeConfident { fake, driver in
            let people = (1...45).map(employee)
            for person in people[0..<10] { fake.addMember(email: person.email) }  // already members
            // Already invited.
            for person in people[10..<15] { fake.addInvitation(email: person.email, role: "Member") }

            // The engine's batch: one call for everyone; members and invitees are skipped.
            let client = ConfidentAIClient(transport: driver.transport)
            let memberRole = try #require(fake.organizationRoleID(named: "Member"))
            let created = try await client.inviteToOrganization(emails: people.map(\.email), roleID: memberRole)
            #expect(created.count == 30)
            #expect(Set(created.map(\.email)) == Set(people[15...].map(\.email)))
            #expect(fake.calls.calls("POST", path: "/v1/organization/invitations").count == 1)
            let pendingCount = fake.invitations(projectID: nil).filter { $0.status == .pending }.count
            let membersUninvited = people[0..<10].allSatisfy { fake.pendingInvitations(email: $0.email).isEmpty }
            #expect(pendingCount == 35)
            #expect(membersUninvited)

            // Round 1: projects are made; members get project invitations; invitees wait
            // (``AwaitingAcceptance``: the engine looks again later).
            //
            // A step that waits is looked at again the way the engine does it: the same step, with
            // the state it checkpointed (`org_invited_at`). That state is what tells the connector
            // the person may have accepted behind Roster's back, so it reads members from a listing
            // started after the re-check began instead of the directory's held one (issue 14).
            // Before the directory every look listed anew, so the test could re-run with an empty
            // state; a new job (empty state) within the time to live would rightly still believe
            // the held listing.
            var waiting: [String: StepState] = [:]  // by address: the state of an ensure_access that waits
            func onboardEveryone() async throws {
                for person in people {
                    try await driver.run(.ensureProject, project: "research", for: person)
                    try await driver.run(.ensureProject, project: "evals", for: person)
                    let checkpoints = driver.trail.checkpoints.count
                    do {
                        let state = waiting[person.email] ?? StepState()
                        try await driver.run(
                            .ensureAccess, project: "research", role: "Member", for: person, state: state)
                        waiting[person.email] = nil
                        try await driver.run(.ensureAccess, project: "evals", role: "Viewer", for: person)
                    } catch is AwaitingAcceptance {
                        if driver.trail.checkpoints.count > checkpoints { waiting[person.email] = driver.lastState }
                    }
                }
            }
            fake.clearCalls()
            try await onboardEveryone()
            #expect(fake.calls.calls("POST", path: "/v1/projects").count == 2)
            #expect(fake.calls.calls("POST", path: "/v1/organization/invitations").isEmpty)
            let research = try #require(fake.project(named: "research"))
            let evals = try #require(fake.project(named: "evals"))
            #expect(fake.invitations(projectID: research.id).count == 10)
            #expect(fake.invitations(projectID: evals.id).count == 10)
            await #expect(throws: AwaitingAcceptance.self) {
                try await driver.run(.ensureAccess, project: "research", role: "Member", for: people[20])
            }

            // Round 2: everyone accepts the organization invitation; project invitations follow.
            try fake.acceptAllInvitations()
            fake.clearCalls()
            try await onboardEveryone()
            #expect(fake.calls.mutatingCalls.count == 70)
            let onlyInvitations = fake.calls.mutatingCalls.allSatisfy {
                $0.path.hasSuffix("/invitations") && $0.method == "POST"
            }
            #expect(onlyInvitations)

            // Everyone accepts; a full re-run changes nothing. (Within the time to live the
            // directory still holds the project invitations Roster made and believes them pending:
            // that too means nothing to send; the fake's state below is the proof of access.)
            try fake.acceptAllInvitations(projectID: research.id)
            try fake.acceptAllInvitations(projectID: evals.id)
            fake.clearCalls()
            driver.trail.clear()
            try await onboardEveryone()
            #expect(fake.calls.mutatingCalls.isEmpty)
            #expect(driver.trail.audits.isEmpty)
            for person in people {
                let found = fake.members.first { $0.email == person.email }
                let id = try #require(found?.id)
                #expect(fake.projectRoleName(of: id, in: research.id) == "Member")
                #expect(fake.projectRoleName(of: id, in: evals.id) == "Viewer")
            }
        }
    }

    @Test func reconcileChangesRolesAndProjects() async throws {
        try await withFakeConfident { fake, driver in
            let ada = employee(1)
            let user = fake.addMember(email: ada.email)
            let research = try fake.addProject(name: "research")
            let evals = try fake.addProject(name: "evals")
            let legacy = try fake.addProject(name: "legacy")
            fake.addProjectMember(projectID: research.id, userID: user.id, role: "Member")
            fake.addProjectMember(projectID: evals.id, userID: user.id, role: "Viewer")
            fake.addInvitation(email: ada.email, projectID: legacy.id, role: "Member")

            let grants = [
                AccessGrant(vendor: "confident", project: "research", role: "Manager"),
                AccessGrant(vendor: "confident", project: "platform", role: "Member"),
            ]
            let outcome = try await driver.run(.reconcile, grants: grants, for: ada)
            #expect(!outcome.summary.contains("@"))
            let platform = try #require(fake.project(named: "platform"))
            #expect(fake.projectRoleName(of: user.id, in: research.id) == "Manager")
            #expect(fake.projectRoleName(of: user.id, in: evals.id) == nil)
            #expect(fake.pendingInvitations(email: ada.email).map(\.projectID) == [platform.id])
            let stillMember = fake.members.contains { $0.id == user.id }
            #expect(stillMember)  // organization membership is kept
            #expect(
                Set(driver.trail.audits.map(\.action.rawValue)) == [
                    "change_project_role", "create_project", "create_project_invite", "remove_project_member",
                    "delete_project_invite",
                ]
            )

            fake.clearCalls()
            try await driver.run(.reconcile, grants: grants, for: ada)
            #expect(fake.calls.mutatingCalls.isEmpty)
        }
    }

    @Test func offboardingLeavesNothingBehind() async throws {
        try await withFakeConfident { fake, driver in
            let ada = employee(1)
            let bob = employee(2)
            let user = fake.addMember(email: ada.email)
            let research = try fake.addProject(name: "research")
            let evals = try fake.addProject(name: "evals")
            let legacy = try fake.addProject(name: "legacy")
            fake.addProjectMember(projectID: research.id, userID: user.id, role: "Manager")
            fake.addProjectMember(projectID: evals.id, userID: user.id)
            fake.addInvitation(email: ada.email, projectID: legacy.id, role: "Viewer")
            fake.addInvitation(email: bob.email, role: "Member")  // bob never accepted
            fake.addInvitation(email: bob.email, projectID: legacy.id, role: "Viewer")

            let actions: [VendorStep.Action] = [
                .revokeInvites, .revokeAPIKeys, .removeProjectMemberships, .removeOrganizationMembership,
            ]
            var summaries: [String] = []
            for person in [ada, bob] {
                for action in actions {
                    let outcome = try await driver.run(action, for: person)
                    #expect(outcome.residual == nil)
                    summaries.append(outcome.summary)
                }
            }
            #expect(summaries[1].contains("belong to projects"))
            let summariesClean = summaries.allSatisfy { !$0.contains("@") }
            #expect(summariesClean)
            #expect(fake.pendingInvitations(email: ada.email).isEmpty)
            #expect(fake.pendingInvitations(email: bob.email).isEmpty)
            let stillMember = fake.members.contains { $0.id == user.id }
            let inAProject = fake.snapshot.projectMembers.contains { $0.userID == user.id }
            #expect(!stillMember)
            #expect(!inAProject)
            let deletes = fake.calls.calls("DELETE", path: "/v1/", prefix: true)
            #expect(deletes.count == 6)  // 3 invitations, 2 project memberships, 1 organization membership
            #expect(driver.trail.audits.count == 6)
            let auditsClean = driver.trail.audits.allSatisfy { $0.target.values.allSatisfy { !$0.contains("@") } }
            #expect(auditsClean)

            fake.clearCalls()
            for person in [ada, bob] {
                for action in actions { try await driver.run(action, for: person) }
            }
            #expect(fake.calls.mutatingCalls.isEmpty)
        }
    }

    @Test func theOwnerIsAPermanentErrorAndNoCallIsMade() async throws {
        try await withFakeConfident { fake, driver in
            let owner = Employee(id: "E0", email: fake.owner.email)
            let error = await expectVendorError {
                try await driver.run(.removeOrganizationMembership, for: owner)
            }
            #expect(error?.classification == .permanent)
            #expect(error?.redactedMessage.contains("Owner") == true)
            #expect(fake.calls.mutatingCalls.isEmpty)
            #expect(fake.members.count == 1)
        }
    }

    @Test func aResumedStepSkipsCompletedWork() async throws {
        try await withFakeConfident { fake, driver in
            let ada = employee(1)
            let user = fake.addMember(email: ada.email)
            let research = try fake.addProject(name: "research")
            let evals = try fake.addProject(name: "evals")
            fake.addProjectMember(projectID: research.id, userID: user.id)
            fake.addProjectMember(projectID: evals.id, userID: user.id)

            // An earlier attempt removed the research membership and checkpointed it, then died.
            try fake.withState { state in try state.removeProjectMember(projectID: research.id, userID: user.id) }
            let earlier = StepState(values: ["user_id": user.id], lists: ["removed_from": [research.id]])
            try await driver.run(.removeProjectMemberships, for: ada, state: earlier)
            #expect(fake.calls.calls("GET", path: "/v1/projects/\(research.id)/members").isEmpty)
            #expect(fake.calls.calls("DELETE", path: "/v1/projects/\(evals.id)/members/\(user.id)").count == 1)
            #expect(driver.lastState.lists["removed_from"] == [research.id, evals.id])

            // ensure_project with a checkpointed id makes no call at all.
            fake.clearCalls()
            let outcome = try await driver.run(
                .ensureProject,
                project: "research",
                for: ada,
                state: StepState(values: ["project_id": research.id])
            )
            #expect(outcome.summary.contains(research.id))
            #expect(fake.calls.isEmpty)
        }
    }

    @Test func aCreateWhoseAnswerWasLostIsNotRepeated() async throws {
        try await withFakeConfident { fake, driver in
            let ada = employee(1)
            fake.injectFaults(
                [.statusAfterApplying(503)],
                matching: FakeRequestMatcher(method: "POST", pathPrefix: "/v1/projects")
            )
            let error = await expectVendorError { try await driver.run(.ensureProject, project: "research", for: ada) }
            #expect(error?.isRetryable == true)
            let retried = try await driver.run(.ensureProject, project: "research", for: ada)
            #expect(retried.summary.hasSuffix("exists"))
            #expect(fake.calls.calls("POST", path: "/v1/projects").count == 1)
            #expect(fake.projects.count == 1)

            fake.injectFaults(
                [.statusAfterApplying(503)],
                matching: FakeRequestMatcher(method: "POST", pathPrefix: "/v1/organization/invitations")
            )
            let inviteError = await expectVendorError {
                try await driver.run(.ensureAccess, project: "research", role: "Member", for: ada)
            }
            #expect(inviteError?.status == 503)
            await #expect(throws: AwaitingAcceptance.self) {
                try await driver.run(.ensureAccess, project: "research", role: "Member", for: ada)
            }
            #expect(fake.calls.calls("POST", path: "/v1/organization/invitations").count == 1)
            #expect(fake.invitations(projectID: nil).count == 1)
        }
    }

    @Test func aPendingProjectInvitationWithAnotherRoleIsReplaced() async throws {
        try await withFakeConfident { fake, driver in
            let ada = employee(1)
            fake.addMember(email: ada.email)
            let research = try fake.addProject(name: "research")
            let old = fake.addInvitation(email: ada.email, projectID: research.id, role: "Viewer")
            try await driver.run(.ensureAccess, project: "research", role: "Manager", for: ada)
            let pending = fake.pendingInvitations(email: ada.email)
            #expect(pending.count == 1)
            #expect(pending.first?.id != old.id)
            #expect(pending.first?.roleID == fake.projectRoleID(named: "Manager", in: research.id))
            #expect(driver.trail.audits.map(\.action.rawValue) == ["delete_project_invite", "create_project_invite"])
        }
    }

    @Test func unknownAndOwnerRolesArePermanent() async throws {
        try await withFakeConfident { fake, driver in
            let ada = employee(1)
            fake.addMember(email: ada.email)
            _ = try fake.addProject(name: "research")
            for role in ["Wizard", "Owner"] {
                let error = await expectVendorError {
                    try await driver.run(.ensureAccess, project: "research", role: role, for: ada)
                }
                #expect(error?.classification == .permanent)
            }
            #expect(fake.calls.mutatingCalls.isEmpty)
        }
    }
    @Test func aBatchOfProjectInvitationsAnswersEachAddressAndFailsOnlyTheRefusedOne() async throws {
        try await withFakeConfident { fake, driver in
            let people = (1...8).map(employee)
            let research = try fake.addProject(name: "research")
            let members = people[0..<7].map { fake.addMember(email: $0.email) }  // people[7] is outside
            fake.addProjectMember(projectID: research.id, userID: members[0].id, role: "Viewer")
            let kept = fake.addInvitation(email: people[1].email, projectID: research.id, role: "Member")
            let stale = fake.addInvitation(email: people[2].email, projectID: research.id, role: "Viewer")
            let client = ConfidentAIClient(transport: driver.transport)
            fake.clearCalls()

            let emails = people.map(\.email) + [people[3].email.uppercased()]
            let results = await client.inviteToProject(items: emails, projectID: research.id, roleName: "Member")
                .map { result -> ConfidentAIProjectInviteItemOutcome? in try? result.get() }
            let role = try #require(fake.projectRoleID(named: "Member", in: research.id))
            guard case .member(let current, let resolved)? = results[0] else {
                Issue.record("\(results[0] as Any)")
                return
            }
            #expect(current.projectRole?.name == "Viewer" && resolved.id == role)
            #expect(results[1] == .pending(invitationID: String(kept.id), role: resolved))
            guard case .invited(_, _, let replaced, _)? = results[2] else {
                Issue.record("\(results[2] as Any)")
                return
            }
            #expect(replaced == [String(stale.id)])
            for index in [3, 4, 5, 6, 8] {
                guard case .invited(let id, _, [], _)? = results[index] else {
                    Issue.record("\(index)")
                    continue
                }
                #expect(id != nil)
            }
            #expect(results[7] == nil, "the address outside the organization fails alone")

            // One call for the six, refused for the outsider; halves until it is alone.
            let posts = fake.calls.calls("POST", path: "/v1/projects/\(research.id)/invitations")
            #expect(posts.count > 1 && posts.count <= 7, "\(posts.count)")
            let pending = fake.invitations(projectID: research.id).filter { $0.status == .pending }
            #expect(Set(pending.map(\.email)) == Set(people[1..<7].map(\.email)))
            #expect(pending.count == 6 && pending.allSatisfy { $0.roleID == role })

            // A repeated batch sends nothing.
            fake.clearCalls()
            _ = await client.inviteToProject(
                items: Array(people[1..<7].map(\.email)), projectID: research.id, roleName: "Member")
            #expect(fake.calls.mutatingCalls.isEmpty)
        }
    }
}
