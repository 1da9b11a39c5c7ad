import Foundation
import RosterCore
import RosterTesting
import RosterVendors
import Testing

/// ``OpenAIConnector`` joiners and changes against the fake OpenAI server over loopback HTTP.
@Suite struct OpenAIConnectorOnboardingTests {
    static func step(_ action: VendorStep.Action, _ project: String? = nil, role: String? = nil) -> VendorStep {
        VendorStep(vendor: "openai", action: action, project: project, role: role)
    }

    /// The steps of one onboarding into `research-ai` (member) and `platform` (owner).
    static let onboarding: [VendorStep] = [
        step(.ensureProject, "research-ai"),
        step(.ensureProject, "platform"),
        step(.ensureAccess, "research-ai", role: "member"),
        step(.ensureAccess, "platform", role: "owner"),
    ]

    @Test func fortyFiveJoinersIntoTwoProjectsThenARerunChangesNothing() async throws {
        try await withOpenAIConnector { fake, runner in
            let people = employees(45)
            let members = people.prefix(5).map { fake.addUser(email: $0.email) }
            for person in people {
                for step in Self.onboarding {
                    try await runner.run(step, for: person)
                }
            }
            let research = try #require(fake.projects.first { $0.name == "research-ai" })
            let platform = try #require(fake.projects.first { $0.name == "platform" })
            #expect(fake.projects.count == 3)  // + the default project

            // Members joined both projects directly, with the step's role.
            for member in members {
                #expect(fake.members(of: research.id).first { $0.userID == member.id }?.role == "member")
                #expect(fake.members(of: platform.id).first { $0.userID == member.id }?.role == "owner")
            }
            // Everyone else has exactly one pending invite carrying both projects.
            for person in people.dropFirst(5) {
                let invites = fake.invites.filter { $0.email == person.email && $0.status == .pending }
                #expect(invites.count == 1)
                let grants = Set((invites.first?.projects ?? []).map { "\($0.projectID)=\($0.role)" })
                #expect(grants == ["\(research.id)=member", "\(platform.id)=owner"])
                #expect(invites.first?.role == "reader")
            }
            // 2 projects + 2 × 5 project adds + 40 × (invite, then delete and re-invite with both).
            let expectedMutations = 2 + 10 + 40 * 3
            #expect(fake.calls.mutatingCalls.count == expectedMutations)

            fake.clearCalls()
            for person in people {
                for step in Self.onboarding {
                    try await runner.run(step, for: person)
                }
            }
            #expect(fake.calls.mutatingCalls.isEmpty)
        }
    }

    @Test func checkpointsAndAuditsNameVendorIdsOnly() async throws {
        try await withOpenAIConnector { fake, runner in
            let ada = Employee(id: "E1", email: "ada@example.com", name: "Ada Lovelace")
            let (outcome, recorder) = try await runner.run(
                Self.step(.ensureAccess, "research-ai", role: "member"),
                for: ada
            )
            let project = try #require(fake.projects.first { $0.name == "research-ai" })
            let invite = try #require(fake.invites.first)
            #expect(recorder.lastState?["project_id"] == project.id)
            #expect(recorder.lastState?["invite_id"] == invite.id)
            #expect(recorder.audits.map(\.action.rawValue) == ["create_project", "create_invite"])
            #expect(recorder.audits.last?.target["invite_id"] == invite.id)
            let everything = "\(recorder.audits) \(recorder.checkpoints) \(outcome)"
            #expect(!everything.contains("ada"))
            #expect(!everything.contains("Lovelace"))
        }
    }

    @Test func memberRoleChangeIsOneUpdate() async throws {
        try await withOpenAIConnector { fake, runner in
            let ada = Employee(id: "E1", email: "ada@example.com")
            let user = fake.addUser(email: ada.email)
            let project = fake.addProject(name: "research-ai")
            try fake.addProjectMember(projectID: project.id, userID: user.id, role: "member")

            let (outcome, recorder) = try await runner.run(
                Self.step(.ensureAccess, "research-ai", role: "owner"),
                for: ada
            )
            #expect(fake.members(of: project.id).first?.role == "owner")
            #expect(
                fake.calls.mutatingCalls.map(\.path) == ["/v1/organization/projects/\(project.id)/users/\(user.id)"]
            )
            #expect(recorder.audits.map(\.action.rawValue) == ["change_project_role"])
            #expect(outcome.summary.contains("member to owner"))
        }
    }

    @Test func inviteRoleChangeReplacesTheInvite() async throws {
        try await withOpenAIConnector { fake, runner in
            let ada = Employee(id: "E1", email: "ada@example.com")
            let project = fake.addProject(name: "research-ai")
            let old = fake.addInvite(email: ada.email, projects: [.init(projectID: project.id, role: "member")])

            let (_, recorder) = try await runner.run(Self.step(.ensureAccess, "research-ai", role: "owner"), for: ada)
            let pending = fake.invites.filter { $0.status == .pending }
            #expect(pending.count == 1)
            #expect(pending.first?.id != old.id)
            #expect(pending.first?.projects == [.init(projectID: project.id, role: "owner")])
            #expect(recorder.audits.map(\.action.rawValue) == ["delete_invite", "create_invite"])
            #expect(recorder.lastState?.lists["invite_grants"] == ["\(project.id)=owner"])
        }
    }

    @Test func anArchivedNamesakeGetsANewActiveProject() async throws {
        try await withOpenAIConnector { fake, runner in
            let archived = fake.addProject(name: "research-ai", archived: true)
            let ada = Employee(id: "E1", email: "ada@example.com")
            let (outcome, _) = try await runner.run(Self.step(.ensureProject, "research-ai"), for: ada)
            let active = try #require(fake.projects.first { $0.name == "research-ai" && !$0.isArchived })
            #expect(active.id != archived.id)
            #expect(outcome.summary.contains("archived"))

            fake.clearCalls()
            try await runner.run(Self.step(.ensureAccess, "research-ai"), for: ada)
            #expect(fake.invites.first?.projects == [.init(projectID: active.id, role: "member")])
        }
    }

    @Test func unknownRoleIsAPermanentErrorBeforeAnyCall() async throws {
        try await withOpenAIConnector { fake, runner in
            let (error, _) = await runner.failure(
                Self.step(.ensureAccess, "research-ai", role: "admin"),
                for: Employee(id: "E1", email: "ada@example.com")
            )
            #expect(error?.classification == .permanent)
            #expect(fake.calls.isEmpty)
        }
    }

    @Test func aCreateAppliedButAnswered503IsNotRepeatedByTheRetry() async throws {
        try await withOpenAIConnector { fake, runner in
            let ada = Employee(id: "E1", email: "ada@example.com")
            fake.injectFaults(
                [.statusAfterApplying(503)],
                matching: .init(method: "POST", pathPrefix: "/v1/organization/projects")
            )
            let first = await runner.failure(Self.step(.ensureProject, "research-ai"), for: ada)
            #expect(first.error?.isRetryable == true)
            #expect(first.error?.status == 503)

            // The engine retries from the last checkpoint (none: the create was never confirmed).
            try await runner.run(
                Self.step(.ensureProject, "research-ai"),
                for: ada,
                state: first.recorder.lastState ?? StepState()
            )
            #expect(fake.projects.filter { $0.name == "research-ai" }.count == 1)
            #expect(fake.calls.calls("POST", path: "/v1/organization/projects").count == 1)

            fake.injectFaults(
                [.statusAfterApplying(503)],
                matching: .init(method: "POST", pathPrefix: "/v1/organization/invites")
            )
            let second = await runner.failure(Self.step(.ensureAccess, "research-ai"), for: ada)
            #expect(second.error?.isRetryable == true)
            // Its second attempt: the engine tells it to list anew (a call may have been applied).
            try await runner.run(
                Self.step(.ensureAccess, "research-ai"),
                for: ada,
                state: second.recorder.lastState ?? StepState(),
                attempt: 2
            )
            #expect(fake.invites.count == 1)
            #expect(fake.calls.calls("POST", path: "/v1/organization/invites").count == 1)
        }
    }

    @Test func aWrongKeyIsPermanentWithOpenAIsRedactedMessage() async throws {
        try await withFakeOpenAI { fake, _ in
            let transport = HTTPVendorTransport(
                configuration: .init(
                    baseURL: fake.baseURL!.absoluteString,
                    authentication: .bearer("sk-admin-wrong-key-123456")
                )
            )
            let runner = StepRunner(connector: OpenAIConnector(), transport: transport)
            let (error, recorder) = await runner.failure(
                Self.step(.ensureAccess, "research-ai"),
                for: Employee(id: "E1", email: "ada@example.com")
            )
            let failure = try #require(error)
            #expect(failure.classification == .permanent)
            #expect(failure.status == 401)
            #expect(failure.vendorCode == "invalid_api_key")
            #expect(failure.redactedMessage.hasPrefix("Incorrect API key provided"))
            #expect(!failure.description.contains("wrong-key-123456"))
            #expect(recorder.checkpoints.isEmpty)
        }
    }
}
