import RosterCore
import RosterTesting
import RosterVendors
import Testing

/// ``OpenAIConnector`` leavers and `reconcile` against the fake OpenAI server.
@Suite struct OpenAIConnectorOffboardingTests {
    static let ada = Employee(id: "E1", email: "ada@example.com", name: "Ada")

    static func step(_ action: VendorStep.Action, grants: [AccessGrant]? = nil) -> VendorStep {
        VendorStep(vendor: "openai", action: action, grants: grants)
    }

    static let offboarding: [VendorStep.Action] = [
        .revokeInvites, .revokeAPIKeys, .removeProjectMemberships, .removeOrganizationMembership,
    ]

    @Test func offboardingLeavesNothingAndDeletesKeysBeforeMemberships() async throws {
        try await withOpenAIConnector { fake, runner in
            let user = fake.addUser(email: Self.ada.email)
            let other = fake.addUser(email: "grace@example.com")
            let research = fake.addProject(name: "research-ai")
            let platform = fake.addProject(name: "platform")
            try fake.addProjectMember(projectID: research.id, userID: user.id)
            try fake.addProjectMember(projectID: platform.id, userID: user.id, role: "owner")
            try fake.addProjectMember(projectID: research.id, userID: other.id)
            try fake.addAPIKey(projectID: research.id, name: "notebook", ownerUserID: user.id)
            try fake.addAPIKey(projectID: platform.id, name: "ci", ownerUserID: user.id)
            let service = try fake.addAPIKey(projectID: research.id, name: "service", ownerUserID: nil)
            let colleague = try fake.addAPIKey(projectID: research.id, name: "grace", ownerUserID: other.id)
            fake.addInvite(email: Self.ada.email, projects: [.init(projectID: platform.id, role: "member")])
            fake.addInvite(email: "ADA@example.com", status: .expired)

            var audits: [AuditRecord] = []
            for action in Self.offboarding {
                let (_, recorder) = try await runner.run(Self.step(action), for: Self.ada)
                audits += recorder.audits
            }

            #expect(fake.users.map(\.id) == [other.id])
            #expect(fake.invites.allSatisfy { $0.status != .pending })
            #expect(fake.members(of: research.id).map(\.userID) == [other.id])
            #expect(fake.members(of: platform.id).isEmpty)
            #expect(fake.apiKeys(in: research.id).map(\.id).sorted() == [service.id, colleague.id].sorted())
            #expect(fake.apiKeys(in: platform.id).isEmpty)
            #expect(
                audits.map(\.action.rawValue) == [
                    "delete_invite", "delete_api_key", "delete_api_key",
                    "remove_project_member", "remove_project_member", "remove_organization_member",
                ]
            )

            let deletes = fake.calls.calls("DELETE", path: "/v1/organization/", prefix: true)
            let lastKey = try #require(deletes.lastIndex { $0.path.contains("/api_keys/") })
            let firstMembership = try #require(deletes.firstIndex { $0.path.contains("/users/") })
            #expect(lastKey < firstMembership)

            // Offboarding again finds nothing to do.
            fake.clearCalls()
            for action in Self.offboarding {
                try await runner.run(Self.step(action), for: Self.ada)
            }
            #expect(fake.calls.mutatingCalls.isEmpty)
        }
    }

    @Test func aResumedKeyRevocationSkipsCheckpointedKeysAndTreats404AsDone() async throws {
        try await withOpenAIConnector { fake, runner in
            let user = fake.addUser(email: Self.ada.email)
            let project = fake.addProject(name: "research-ai")
            try fake.addProjectMember(projectID: project.id, userID: user.id)
            let first = try fake.addAPIKey(projectID: project.id, name: "one", ownerUserID: user.id)
            let second = try fake.addAPIKey(projectID: project.id, name: "two", ownerUserID: user.id)
            // The earlier attempt deleted `first` and checkpointed it; `second`'s delete answers 404.
            try fake.withState { (state: inout FakeOpenAIState) throws -> Void in
                try state.deleteAPIKey(projectID: project.id, keyID: first.id)
            }
            fake.injectFaults(
                [.status(404)],
                matching: .init(method: "DELETE", pathPrefix: "/v1/organization/projects/\(project.id)/api_keys/")
            )
            let resumed = StepState(values: ["user_id": user.id], lists: ["deleted_keys": [first.id]])

            let (outcome, recorder) = try await runner.run(Self.step(.revokeAPIKeys), for: Self.ada, state: resumed)
            let deletes = fake.calls.calls(
                "DELETE",
                path: "/v1/organization/projects/\(project.id)/api_keys/",
                prefix: true
            )
            #expect(deletes.map(\.path) == ["/v1/organization/projects/\(project.id)/api_keys/\(second.id)"])
            #expect(
                recorder.audits == [
                    AuditRecord(
                        action: .deleteAPIKey,
                        target: ["project_id": project.id, "key_id": second.id],
                        outcome: .alreadyGone
                    )
                ]
            )
            #expect(recorder.lastState?.lists["deleted_keys"] == [first.id, second.id])
            #expect(outcome.summary.contains("1 deleted by an earlier attempt"))
            // No user lookup: the user id came from the checkpoint.
            #expect(fake.calls.calls("GET", path: "/v1/organization/users").isEmpty)
        }
    }

    @Test func resumedRemovalsSkipWhatTheCheckpointSaysIsDone() async throws {
        try await withOpenAIConnector { fake, runner in
            let user = fake.addUser(email: Self.ada.email)
            let project = fake.addProject(name: "research-ai")
            try fake.addProjectMember(projectID: project.id, userID: user.id)
            let done = StepState(values: ["user_id": user.id, "user_removed": "true"])
            try await runner.run(Self.step(.removeOrganizationMembership), for: Self.ada, state: done)
            #expect(fake.calls.isEmpty)

            // Removed meanwhile (by someone else, or by an attempt that died before its checkpoint):
            // a fresh lookup finds nobody and records the removal as already gone, with no DELETE.
            try fake.withState { (state: inout FakeOpenAIState) throws -> Void in try state.deleteUser(id: user.id) }
            let (outcome, recorder) = try await runner.run(
                Self.step(.removeOrganizationMembership),
                for: Self.ada,
                state: StepState(values: ["user_id": user.id])
            )
            #expect(recorder.audits.map(\.outcome.rawValue) == ["already_gone"])
            #expect(outcome.summary.contains("already gone"))
            #expect(fake.calls.calls("DELETE", path: "/v1/organization/users/\(user.id)").isEmpty, "no second DELETE")
        }
    }

    @Test func leaversWhoWereNeverMembersSucceedWithoutChanges() async throws {
        try await withOpenAIConnector { fake, runner in
            for action in Self.offboarding {
                let (outcome, recorder) = try await runner.run(Self.step(action), for: Self.ada)
                #expect(recorder.audits.isEmpty)
                #expect(!outcome.summary.isEmpty)
            }
            #expect(fake.calls.mutatingCalls.isEmpty)
        }
    }

    @Test func reconcileMovesAMemberBetweenProjectsKeysFirst() async throws {
        try await withOpenAIConnector { fake, runner in
            let user = fake.addUser(email: Self.ada.email)
            let research = fake.addProject(name: "research-ai")
            let platform = fake.addProject(name: "platform")
            try fake.addProjectMember(projectID: research.id, userID: user.id, role: "member")
            try fake.addProjectMember(projectID: platform.id, userID: user.id, role: "owner")
            try fake.addAPIKey(projectID: platform.id, name: "ci", ownerUserID: user.id)
            let grants = [
                AccessGrant(vendor: "openai", project: "research-ai", role: "owner"),
                AccessGrant(vendor: "openai", project: "analytics", role: "member"),
            ]

            let (_, recorder) = try await runner.run(Self.step(.reconcile, grants: grants), for: Self.ada)
            let analytics = try #require(fake.projects.first { $0.name == "analytics" })
            #expect(fake.members(of: research.id).first?.role == "owner")
            #expect(fake.members(of: analytics.id).map(\.userID) == [user.id])
            #expect(fake.members(of: platform.id).isEmpty)
            #expect(fake.apiKeys(in: platform.id).isEmpty)
            #expect(fake.users.map(\.id) == [user.id])  // organization membership stays
            #expect(
                Set(recorder.audits.map(\.action.rawValue)) == [
                    "create_project", "change_project_role", "add_project_member", "delete_api_key",
                    "remove_project_member",
                ]
            )
            let actions = recorder.audits.map(\.action.rawValue)
            #expect(actions.firstIndex(of: "delete_api_key")! < actions.firstIndex(of: "remove_project_member")!)

            fake.clearCalls()
            try await runner.run(Self.step(.reconcile, grants: grants), for: Self.ada)
            #expect(fake.calls.mutatingCalls.isEmpty)
        }
    }

    @Test func reconcileRewritesAPendingInviteToExactlyTheGrants() async throws {
        try await withOpenAIConnector { fake, runner in
            let research = fake.addProject(name: "research-ai")
            let platform = fake.addProject(name: "platform")
            fake.addInvite(email: Self.ada.email, projects: [.init(projectID: research.id, role: "member")])
            let grants = [AccessGrant(vendor: "openai", project: "platform", role: "member")]

            try await runner.run(Self.step(.reconcile, grants: grants), for: Self.ada)
            let pending = fake.invites.filter { $0.status == .pending }
            #expect(pending.count == 1)
            #expect(pending.first?.projects == [.init(projectID: platform.id, role: "member")])

            // Nothing granted any more: the invite goes.
            try await runner.run(Self.step(.reconcile, grants: []), for: Self.ada)
            #expect(fake.invites.filter { $0.status == .pending }.isEmpty)
        }
    }

    @Test func reconcileRefusesGrantsForAnotherVendor() async throws {
        try await withOpenAIConnector { fake, runner in
            let grants = [AccessGrant(vendor: "posthog", project: "web", role: "member")]
            let (error, _) = await runner.failure(Self.step(.reconcile, grants: grants), for: Self.ada)
            #expect(error?.classification == .permanent)
            #expect(fake.calls.isEmpty)
        }
    }
}
