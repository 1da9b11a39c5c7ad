import Foundation
import RosterCore
import RosterTesting
import RosterVendors
import Testing

/// The Relevance AI connector's steps against the fake, over real HTTP on loopback.
@Suite struct RelevanceAIConnectorTests {
    @Test func onboardsFortyFiveEmployeesIntoTwoProjects() async throws {
        try await withFakeRelevance { fake, driver in
            let people = (1...45).map(employee)
            let research = fake.addProject(name: "research")
            // Already organization users (in the home project): their invites are auto-accepted.
            for person in people[0..<10] { fake.addMember(email: person.email, projectID: fake.defaultProjectID) }
            // Already invited to research as editors; and three invited with the wrong role.
            for person in people[10..<15] {
                fake.addInvite(email: person.email, projectID: research.id, action: "role:editor")
            }
            for person in people[15..<18] {
                fake.addInvite(email: person.email, projectID: research.id, action: "role:viewer")
            }
            // Already an editor of research, stored with different capitalisation.
            fake.addMember(email: "E21@Example.COM", projectID: research.id, action: "role:editor")

            func onboardEveryone() async throws {
                for person in people {
                    try await driver.run(.ensureProject, project: "research", for: person)
                    try await driver.run(.ensureProject, project: "evals", for: person)
                    try await driver.run(.ensureAccess, project: "research", role: "editor", for: person)
                    try await driver.run(.ensureAccess, project: "evals", role: "viewer", for: person)
                }
            }
            try await onboardEveryone()
            let evals = try #require(fake.project(named: "evals"))
            #expect(fake.calls.calls("POST", path: "/latest/projects/create").count == 1)
            #expect(fake.calls.calls("POST", path: "/latest/auth/invite/delete").count == 3)
            // research: 45 − 5 right invites − 1 member = 39 creates; evals: 45.
            #expect(fake.calls.calls("POST", path: "/latest/auth/invite/create").count == 39 + 45)
            #expect(fake.invites(in: research.id).count == 34)  // 39 creates, 10 of them auto-accepted, + 5 kept
            #expect(fake.invites(in: evals.id).count == 34)  // 45 creates, 11 auto-accepted (E1–E10, E21)
            let editorsInResearch = people[0..<10].allSatisfy {
                fake.actions(of: $0.email, in: research.id) == ["role:editor"]
            }
            let viewersInEvals = people[0..<10].allSatisfy {
                fake.actions(of: $0.email, in: evals.id) == ["role:viewer"]
            }
            let researchInvitesForEditors = fake.invites(in: research.id).allSatisfy {
                $0.actions == ["role:editor": true]
            }
            #expect(editorsInResearch)
            #expect(viewersInEvals)
            #expect(researchInvitesForEditors)

            fake.clearCalls()
            driver.trail.clear()
            try await onboardEveryone()
            #expect(onlyListings(fake.calls))
            #expect(driver.trail.audits.isEmpty)

            for project in [research, evals] {
                for invite in fake.invites(in: project.id) {
                    try fake.acceptInvite(email: invite.email, projectID: project.id)
                }
            }
            fake.clearCalls()
            try await onboardEveryone()
            #expect(onlyListings(fake.calls))
            for person in people {
                #expect(fake.actions(of: person.email, in: research.id) == ["role:editor"])
                #expect(fake.actions(of: person.email, in: evals.id) == ["role:viewer"])
            }
        }
    }

    @Test func reconcileChangesRolesAndProjects() async throws {
        try await withFakeRelevance { fake, driver in
            let ada = employee(1)
            let research = fake.addProject(name: "research")
            let evals = fake.addProject(name: "evals")
            let legacy = fake.addProject(name: "legacy")
            fake.addMember(email: ada.email, projectID: research.id, action: "role:viewer")
            fake.addMember(email: ada.email, projectID: evals.id, action: "role:editor")
            fake.addInvite(email: ada.email, projectID: legacy.id)

            let grants = [
                AccessGrant(vendor: "relevance", project: "research", role: "editor"),
                AccessGrant(vendor: "relevance", project: "platform", role: "admin"),
            ]
            let outcome = try await driver.run(.reconcile, grants: grants, for: ada)
            #expect(!outcome.summary.contains("@"))
            let platform = try #require(fake.project(named: "platform"))
            #expect(fake.actions(of: ada.email, in: research.id) == ["role:editor"])  // overwritten, not merged
            #expect(fake.actions(of: ada.email, in: platform.id) == ["admin"])  // an organization user: auto-accepted
            #expect(fake.actions(of: ada.email, in: evals.id) == nil)
            #expect(fake.invites(in: legacy.id).isEmpty)
            #expect(fake.user(email: ada.email) != nil)
            let updates = fake.calls.calls("POST", path: "/latest/auth/users/", prefix: true).filter {
                $0.path.hasSuffix("/update")
            }
            let update = try #require(updates.first)
            #expect(update.body?.contains("\"overwrite\":true") == true)

            fake.clearCalls()
            try await driver.run(.reconcile, grants: grants, for: ada)
            #expect(onlyListings(fake.calls))
        }
    }

    @Test func offboardingLeavesOnlyTheOrganisationMembershipAsResidual() async throws {
        try await withFakeRelevance { fake, driver in
            let ada = employee(1)
            let research = fake.addProject(name: "research")
            let evals = fake.addProject(name: "evals")
            let legacy = fake.addProject(name: "legacy")
            let user = fake.addMember(email: ada.email, projectID: research.id, action: "role:editor")
            fake.addMember(email: ada.email, projectID: evals.id)
            fake.addAPIKey(userID: user.id, projectID: research.id, label: "notebook")
            fake.addAPIKey(userID: user.id, projectID: research.id, label: "ci")
            fake.addAPIKey(userID: user.id, projectID: evals.id)
            fake.addInvite(email: ada.email, projectID: legacy.id)
            let bystander = fake.addMember(email: "keep@example.com", projectID: research.id)
            fake.addAPIKey(userID: bystander.id, projectID: research.id)

            let actions: [VendorStep.Action] = [.revokeInvites, .revokeAPIKeys, .removeProjectMemberships]
            for action in actions {
                let outcome = try await driver.run(action, for: ada)
                #expect(outcome.residual == nil)
                #expect(!outcome.summary.contains("@"))
                if action == .revokeAPIKeys {
                    #expect(driver.lastState.lists["deleted_keys"]?.count == 3)
                    #expect(outcome.summary == "deleted 3 API key(s)")
                }
            }
            fake.clearCalls()
            let last = try await driver.run(.removeOrganizationMembership, for: ada)
            #expect(last.residual == RelevanceAIConnector.organizationResidual)
            #expect(last.residual?.contains("WorkOS") == true)
            #expect(fake.calls.isEmpty)

            #expect(fake.traces(of: ada.email) == (0, 0, 0))
            #expect(fake.user(email: ada.email) != nil)  // the organisation membership the API cannot remove
            #expect(fake.traces(of: "keep@example.com") == (1, 0, 1))
            #expect(driver.trail.audits.count == 6)  // 1 invite, 3 keys, 2 memberships
            let auditsClean = driver.trail.audits.allSatisfy { $0.target.values.allSatisfy { !$0.contains("@") } }
            #expect(auditsClean)

            fake.clearCalls()
            for action in actions + [.removeOrganizationMembership] { try await driver.run(action, for: ada) }
            #expect(onlyListings(fake.calls))
        }
    }

    @Test func theHeadersProjectFollowsTheProjectActedOn() async throws {
        try await withFakeRelevance { fake, driver in
            let ada = employee(1)
            let research = fake.addProject(name: "research")
            let evals = fake.addProject(name: "evals")
            fake.addMember(email: ada.email, projectID: research.id)
            fake.addMember(email: ada.email, projectID: evals.id)
            try await driver.run(.removeProjectMemberships, for: ada)

            let scoped = fake.scopedCalls
            let schemes = Set(scoped.map(\.scheme))
            let listing = scoped.first { $0.path == "/latest/projects/list" }
            let deletes = scoped.filter { $0.path.hasSuffix("/delete") }
            #expect(schemes == [.projectKey])
            #expect(listing?.project == fake.defaultProjectID)
            #expect(deletes.map(\.project) == [research.id, evals.id])
            let searches = Set(scoped.filter { $0.path == "/latest/auth/users/list" }.compactMap(\.project))
            #expect(searches == [fake.defaultProjectID, research.id, evals.id])
        }
    }

    @Test func aResumedStepSkipsCompletedWork() async throws {
        try await withFakeRelevance { fake, driver in
            let ada = employee(1)
            let research = fake.addProject(name: "research")
            let evals = fake.addProject(name: "evals")
            let user = fake.addMember(email: ada.email, projectID: research.id)
            fake.addMember(email: ada.email, projectID: evals.id)
            let first = fake.addAPIKey(userID: user.id, projectID: research.id)
            let second = fake.addAPIKey(userID: user.id, projectID: research.id)

            // The checkpoint says the first key was deleted already: it is not deleted again.
            try await driver.run(.revokeAPIKeys, for: ada, state: StepState(lists: ["deleted_keys": [first.id]]))
            let deletes = fake.calls.calls("POST", path: "/latest/auth/users/\(user.id)/keys/delete")
            #expect(deletes.count == 1)
            #expect(deletes.first?.body?.contains(second.id) == true)

            // research was done by an earlier attempt: not even looked at again.
            fake.clearCalls()
            try await driver.run(
                .removeProjectMemberships,
                for: ada,
                state: StepState(lists: ["removed_from": [research.id]])
            )
            let touchedResearch = fake.scopedCalls.contains { $0.project == research.id }
            #expect(!touchedResearch)
            #expect(fake.actions(of: ada.email, in: evals.id) == nil)
            #expect(driver.lastState.lists["removed_from"] == [research.id, evals.id])
        }
    }

    @Test func aCreateWhoseAnswerWasLostIsNotRepeated() async throws {
        try await withFakeRelevance { fake, driver in
            let ada = employee(1)
            fake.injectFaults(
                [.statusAfterApplying(503)],
                matching: FakeRequestMatcher(method: "POST", pathPrefix: "/latest/projects/create")
            )
            fake.injectFaults(
                [.statusAfterApplying(503)],
                matching: FakeRequestMatcher(method: "POST", pathPrefix: "/latest/auth/invite/create")
            )
            for _ in 0..<2 {
                let error = await expectVendorError {
                    try await driver.run(.ensureAccess, project: "research", role: "editor", for: ada)
                }
                #expect(error?.isRetryable == true)
            }
            let outcome = try await driver.run(.ensureAccess, project: "research", role: "editor", for: ada)
            #expect(outcome.summary.contains("pending"))
            #expect(fake.calls.calls("POST", path: "/latest/projects/create").count == 1)
            #expect(fake.calls.calls("POST", path: "/latest/auth/invite/create").count == 1)
            #expect(fake.projects.count == 2)
        }
    }

    @Test func unknownRolesArePermanentWithoutACall() async throws {
        try await withFakeRelevance { fake, driver in
            let error = await expectVendorError {
                try await driver.run(.ensureAccess, project: "research", role: "wizard", for: employee(1))
            }
            #expect(error?.classification == .permanent)
            #expect(fake.calls.isEmpty)
            #expect(RelevanceAIRole(name: "Editor") == .editor)
            #expect(RelevanceAIRole(name: "role:viewer") == .viewer)
            #expect(RelevanceAIRole(name: "admin") == .admin)
        }
    }
}

/// Whether every mutating call in `log` is one of Relevance AI's POST listings (reads over POST).
func onlyListings(_ log: FakeCallLog) -> Bool {
    log.mutatingCalls.allSatisfy { $0.path.hasSuffix("/list") }
}
