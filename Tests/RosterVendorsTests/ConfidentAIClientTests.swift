import Foundation
import RosterCore
import RosterTesting
import RosterVendors
import Testing

/// The Confident AI client and the fake's wire details, over real HTTP on loopback.
@Suite struct ConfidentAIClientTests {
    /// A client for `fake` presenting `apiKey` (the fake's by default).
    func client(_ fake: FakeConfidentAIServer, apiKey: String? = nil) -> ConfidentAIClient {
        ConfidentAIClient(
            baseURL: fake.baseURL!.absoluteString,
            apiKey: apiKey ?? fake.apiKey,
            requestTimeout: .seconds(10)
        )
    }

    func withFake(_ body: (FakeConfidentAIServer) async throws -> Void) async throws {
        try await withFakeConfident { fake, _ in try await body(fake) }
    }

    @Test func pagesByHundredsAndStopsAtTheTotal() async throws {
        try await withFake { fake in
            for index in 1...199 { fake.addMember(email: "m\(index)@example.com") }  // + the Owner = 200
            let members = try await client(fake).listOrganizationMembers()
            #expect(members.count == 200)
            #expect(Set(members.map(\.id)).count == 200)
            let pages = fake.calls.calls("GET", path: "/v1/organization/members")
            #expect(pages.map(\.query) == ["page=1&pageSize=100", "page=2&pageSize=100"])  // no empty third page

            let raw = HTTPVendorTransport(
                configuration: .init(
                    baseURL: fake.baseURL!.absoluteString,
                    authentication: .header(name: "CONFIDENT_API_KEY", value: fake.apiKey)
                )
            )
            let defaultPage = try await raw.send(VendorRequest(.get, "/v1/organization/members"))
            let body = try #require(try JSONSerialization.jsonObject(with: Data(defaultPage.body)) as? [String: Any])
            let data = try #require(body["data"] as? [String: Any])
            #expect(body["success"] as? Bool == true)
            #expect((data["members"] as? [Any])?.count == 25)
            #expect(data["total"] as? Int == 200)
            let tooBig = try await raw.send(
                VendorRequest(.get, "/v1/organization/members", query: [.init(name: "pageSize", value: "101")])
            )
            #expect(tooBig.status == 400)
        }
    }

    @Test func batchInvitationsSkipMembersInviteesAndRepeats() async throws {
        try await withFake { fake in
            fake.addMember(email: "member@example.com")
            fake.addInvitation(email: "invited@example.com")
            fake.addInvitation(email: "declined@example.com", status: .declined)
            let created = try await client(fake).inviteToOrganization(
                emails: [
                    "member@example.com", "INVITED@example.com", "declined@example.com", "new@example.com",
                    "New@Example.com",
                ],
                roleID: nil
            )
            #expect(created.map(\.email) == ["declined@example.com", "new@example.com"])
            let allPending = created.allSatisfy { $0.isPending }
            #expect(allPending)
            let listed = try await client(fake).listOrganizationInvitations()
            #expect(listed.count == 4)  // invited, declined (still listed), declined re-invited, new
        }
    }

    @Test func ownerRoleAndNonMembersAreRefusedWithTheVendorsMessageRedacted() async throws {
        try await withFake { fake in
            let research = try fake.addProject(name: "research")
            let ownerRole = try #require(fake.organizationRoleID(named: "Owner"))
            let ownerError = await expectVendorError {
                try await client(fake).inviteToOrganization(emails: ["a@example.com"], roleID: ownerRole)
            }
            #expect(ownerError?.status == 400)
            #expect(ownerError?.classification == .permanent)

            let outsider = await expectVendorError {
                try await client(fake).inviteToProject(
                    projectID: research.id,
                    emails: ["carol@example.com"],
                    roleID: nil
                )
            }
            #expect(outsider?.message.contains("carol@example.com") == true)
            #expect(outsider?.redactedMessage.contains("carol") == false)
            #expect(outsider?.redactedMessage.contains("not a member of this organization") == true)
            let outsiderText = String(describing: outsider)
            #expect(!outsiderText.contains("carol"))
        }
    }

    @Test func aTakenNameIsAConflictThatFindOrCreateResolves() async throws {
        try await withFake { fake in
            _ = try fake.addProject(name: "research")
            let conflict = await expectVendorError { _ = try await client(fake).createProject(name: "research") }
            #expect(conflict?.status == 409)
            #expect(conflict?.classification == .permanent)

            // Another worker creates the project between our look and our create.
            let racing = RacingTransport(
                inner: HTTPVendorTransport(
                    configuration: .init(
                        baseURL: fake.baseURL!.absoluteString,
                        authentication: ConfidentAIClient.authentication(apiKey: fake.apiKey)
                    )
                ),
                beforeCreate: { _ = try? fake.addProject(name: "evals") }
            )
            let (project, created) = try await ConfidentAIClient(transport: racing).findOrCreateProject(named: "evals")
            #expect(!created)
            #expect(project.id == fake.project(named: "evals")?.id)
            // Ours from the first part, then the race's.
            #expect(fake.calls.calls("POST", path: "/v1/projects").map(\.status) == [409, 409])
            #expect(fake.calls.calls("GET", path: "/v1/projects").count == 2)  // the look, then the look after the 409
        }
    }

    @Test func rateLimitsAreRetryableWithTheirWait() async throws {
        try await withFake { fake in
            fake.injectFaults([.status(429, retryAfter: 7)])
            let injected = await expectVendorError { _ = try await client(fake).listProjects() }
            #expect(injected?.isRetryable == true)
            #expect(injected?.retryAfter == .seconds(7))
            #expect(injected?.message == "Too many requests")

            fake.setRateLimit(FakeRateLimit(requests: 1, per: .seconds(30)))
            _ = try await client(fake).listProjects()
            let limited = await expectVendorError { _ = try await client(fake).listProjects() }
            #expect(limited?.status == 429)
            #expect(limited?.isRetryable == true)
            #expect((limited?.retryAfter ?? .zero) >= .seconds(1))
            let last = try #require(fake.calls.last)
            #expect(last.outcome == .rateLimited)
        }
    }

    @Test func aWrongKeyIsPermanentAndNeverShown() async throws {
        try await withFakeConfident(apiKey: "confident_us_wrong_key_123456") { fake, driver in
            let error = await expectVendorError {
                try await driver.run(.ensureProject, project: "research", for: employee(1))
            }
            #expect(error?.status == 401)
            #expect(error?.classification == .permanent)
            #expect(error?.redactedMessage == "Invalid API key")
            let errorText = String(describing: error)
            #expect(!errorText.contains("wrong_key"))
            #expect(fake.calls.first?.outcome == .unauthorized)

            let raw = HTTPVendorTransport(
                configuration: .init(baseURL: fake.baseURL!.absoluteString, authentication: .bearer(fake.apiKey))
            )
            let bearer = try await raw.send(VendorRequest(.get, "/v1/projects"))
            #expect(bearer.status == 401)  // the key goes in CONFIDENT_API_KEY, not Authorization
            #expect(bearer.bodyText.contains("\"success\":false"))
        }
    }

    @Test func theEnvelopeDecidesSuccessNotJustTheStatus() async throws {
        let bare = ConfidentAIClient(transport: StubTransport(status: 200, body: #"{"success":true}"#))
        try await bare.deleteOrganizationInvitation(id: "1")  // a delete needs no data
        let missingData = await expectVendorError { _ = try await bare.listProjects() }
        #expect(missingData?.code == .decoding)

        let body = #"{"success":false,"error":"Not allowed for ada@example.com","deprecated":false}"#
        let refusing = ConfidentAIClient(transport: StubTransport(status: 200, body: body))
        for operation in [
            { _ = try await refusing.listProjects() }, { try await refusing.removeOrganizationMember(userID: "u") },
        ] {
            let error = await expectVendorError(operation)
            #expect(error?.classification == .permanent)
            #expect(error?.redactedMessage == "Not allowed for <email>")
        }
    }

    @Test func removingAMemberTakesTheirProjectsAndInvitationsAlong() async throws {
        try await withFake { fake in
            let ada = fake.addMember(email: "ada@example.com")
            let research = try fake.addProject(name: "research")
            fake.addProjectMember(projectID: research.id, userID: ada.id)
            fake.addInvitation(email: "ada@example.com", projectID: research.id, role: "Viewer")
            try await client(fake).removeOrganizationMember(userID: ada.id)
            #expect(fake.members(of: research.id).isEmpty)
            #expect(fake.pendingInvitations(email: "ada@example.com").isEmpty)
            let again = await expectVendorError { try await client(fake).removeOrganizationMember(userID: ada.id) }
            #expect(again?.isAlreadyGone == true)
            let owner = await expectVendorError {
                try await client(fake).removeOrganizationMember(userID: fake.owner.id)
            }
            #expect(owner?.status == 400)
        }
    }
}

/// A transport that runs `beforeCreate` just before the first `POST /v1/projects`, to stage a race.
final class RacingTransport: VendorTransport {
    let inner: any VendorTransport
    let beforeCreate: @Sendable () -> Void

    init(inner: any VendorTransport, beforeCreate: @escaping @Sendable () -> Void) {
        self.inner = inner
        self.beforeCreate = beforeCreate
    }

    func send(_ request: VendorRequest) async throws -> VendorResponse {
        if request.method == .post, request.path == "/v1/projects" { beforeCreate() }
        return try await inner.send(request)
    }
}
