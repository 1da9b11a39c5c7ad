import Foundation
import RosterCore
import RosterTesting
import RosterVendors
import Testing

/// The Relevance AI client and the fake's wire details, over real HTTP on loopback.
@Suite struct RelevanceAIClientTests {
    func withFake(
        options: FakeRelevanceAIState.Options = .init(),
        apiKey: String? = nil,
        _ body: (FakeRelevanceAIServer, RelevanceAIClient) async throws -> Void
    ) async throws {
        try await withFakeRelevance(options: options) { fake, _ in
            let client = RelevanceAIClient(
                baseURL: fake.baseURL!.absoluteString,
                apiKey: apiKey ?? fake.apiKey,
                requestTimeout: .seconds(10)
            )
            try await body(fake, client)
        }
    }

    @Test func usersPageUntilHasMoreIsAbsent() async throws {
        try await withFake { fake, client in
            let research = fake.addProject(name: "research")
            for index in 1...250 { fake.addMember(email: "u\(index)@example.com", projectID: research.id) }
            let users = try await client.listUsers(project: research.id)
            #expect(users.count == 250)
            #expect(fake.calls.calls("POST", path: "/latest/auth/users/list").count == 3)
            let small = try await client.listUsersPage(page: 1, pageSize: 20, emailSearch: "u1", project: research.id)
            #expect(small.hasMore)  // u1, u10…u19, u100…u199: 111 matches
            let last = try await client.listUsersPage(page: 6, pageSize: 20, emailSearch: "u1", project: research.id)
            #expect(last.results.count == 11)
            #expect(!last.hasMore)
        }
    }

    @Test func emailSearchIsCaseSensitiveButFindUserIsNot() async throws {
        try await withFake { fake, client in
            let research = fake.addProject(name: "research")
            fake.addMember(email: "Ada.Lovelace@Example.com", projectID: research.id)
            fake.addMember(email: "ada.lovelace@example.com.evil", projectID: research.id)
            let searched = try await client.listUsers(emailSearch: "ada.lovelace@example.com", project: research.id)
            #expect(searched.map(\.email) == ["ada.lovelace@example.com.evil"])  // substring, case-sensitive
            let found = try await client.findUser(email: "ada.lovelace@example.com", project: research.id)
            #expect(found?.email == "Ada.Lovelace@Example.com")
            #expect(try await client.findUser(email: "ada.lovelace@example.com", project: fake.defaultProjectID) == nil)
        }
    }

    @Test func rateLimitsAreRetryableWithOrWithoutAWait() async throws {
        try await withFake { fake, client in
            fake.injectFaults([.status(429, retryAfter: 4)])
            let injected = await expectVendorError { _ = try await client.listProjects(project: fake.defaultProjectID) }
            #expect(injected?.isRetryable == true)
            #expect(injected?.retryAfter == .seconds(4))
            #expect(injected?.vendorCode == "rate_limited")
            #expect(injected?.message == "Rate limit exceeded")

            fake.setOptions(FakeRelevanceAIState.Options(sendsRetryAfter: false))
            fake.setRateLimit(FakeRateLimit(requests: 1, per: .seconds(30)))
            _ = try await client.listProjects(project: fake.defaultProjectID)
            let limited = await expectVendorError { _ = try await client.listProjects(project: fake.defaultProjectID) }
            #expect(limited?.status == 429)
            #expect(limited?.isRetryable == true)
            #expect(limited?.retryAfter == nil)
        }
    }

    @Test(arguments: [400, 401])
    func aWrongKeyIsPermanentAndNeverShown(status: Int) async throws {
        try await withFake(options: .init(wrongKeyStatus: status), apiKey: "sk-wrong-secret-987") { fake, client in
            let error = await expectVendorError { _ = try await client.listProjects(project: fake.defaultProjectID) }
            #expect(error?.status == status)
            #expect(error?.classification == .permanent)
            #expect(error?.vendorCode == "invalid_api_key")
            #expect(error?.redactedMessage == "Invalid API key")
            let errorText = String(describing: error)
            #expect(!errorText.contains("secret"))
            #expect("\(client)".contains("secret") == false)
        }
    }

    @Test func theFakeAcceptsEverySampledHeaderForm() async throws {
        try await withFake { fake, _ in
            let research = fake.addProject(name: "research")
            fake.addInvite(email: "a@example.com", projectID: research.id)
            let raw = HTTPVendorTransport(
                configuration: .init(baseURL: fake.baseURL!.absoluteString, authentication: .none)
            )
            let forms = [
                "\(research.id):\(fake.apiKey)",
                "Bearer \(research.id):\(fake.apiKey)",
                "Bearer :\(fake.apiKey)",
            ]
            var counts: [Int] = []
            for form in forms {
                let request = VendorRequest(
                    .post,
                    "/auth/invite/list",
                    body: Array("{}".utf8),
                    headers: ["Authorization": form]
                )
                let response = try await raw.send(request)
                #expect(response.status == 200)
                counts.append(response.bodyText.components(separatedBy: "\"_id\"").count - 1)
            }
            #expect(counts == [1, 1, 0])  // no project: the key's home project, which has no invites
            #expect(fake.scopedCalls.map(\.scheme) == [.projectKey, .bearerProjectKey, .keyOnly])

            let missing = try await raw.send(VendorRequest(.post, "/auth/invite/list", body: Array("{}".utf8)))
            #expect(missing.status == 401)
            #expect(missing.bodyText.contains("authorization_header_missing"))
            let stranger = VendorRequest(
                .post,
                "/auth/invite/list",
                body: Array("{}".utf8),
                headers: ["Authorization": "nope:\(fake.apiKey)"]
            )
            #expect(try await raw.send(stranger).status == 403)
        }
    }

    @Test func updatesAndDeletesIgnoreTheirAnswer() async throws {
        for body in ["{}", "", "OK"] {
            let client = RelevanceAIClient(transport: StubTransport(status: 200, body: body), apiKey: "k")
            try await client.updateUser(id: "u", role: .editor, project: "p")
            try await client.deleteInvite(code: "c", project: "p")
        }
        let stub = StubTransport(status: 200, body: "{}")
        try await RelevanceAIClient(transport: stub, apiKey: "k").removeUser(id: "u/../x", project: "proj")
        let sent = try #require(stub.requests.first)
        #expect(sent.headers["Authorization"] == "proj:k")
        #expect(sent.path == "/auth/users/u%2F..%2Fx/delete")
    }

    @Test func repeatDeletesAreAlreadyGone() async throws {
        try await withFake { fake, client in
            let research = fake.addProject(name: "research")
            let user = fake.addMember(email: "a@example.com", projectID: research.id)
            try await client.removeUser(id: user.id, project: research.id)
            let again = await expectVendorError { try await client.removeUser(id: user.id, project: research.id) }
            #expect(again?.status == 404)
            #expect(again?.isAlreadyGone == true)
            let invite = await expectVendorError {
                try await client.deleteInvite(code: "inv_missing", project: research.id)
            }
            #expect(invite?.isAlreadyGone == true)
        }
    }
}
