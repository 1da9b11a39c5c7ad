import Foundation
import RosterTesting
import RosterVendors
import Testing

/// The fake itself: wire details a client test would not reach.
@Suite struct FakeOpenAIServerTests {
    /// Raw HTTP to the fake, without the client's conveniences.
    func raw(_ fake: FakeOpenAIServer, auth: VendorAuthentication? = nil) -> HTTPVendorTransport {
        HTTPVendorTransport(
            configuration: .init(baseURL: fake.baseURL!.absoluteString, authentication: auth ?? .bearer(fake.adminKey)))
    }

    func object(_ response: VendorResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
    }

    @Test func aMissingKeyGetsOpenAIsEnvelope() async throws {
        try await withFakeOpenAI { fake, _ in
            let response = try await raw(fake, auth: VendorAuthentication.none).send(
                VendorRequest(.get, "/organization/users"))
            #expect(response.status == 401)
            let error = try #require(try object(response)["error"] as? [String: Any])
            #expect((error["message"] as? String)?.hasPrefix("You didn't provide an API key") == true)
            #expect(error["type"] as? String == "invalid_request_error")
            #expect(error.keys.sorted() == ["code", "message", "param", "type"])
        }
    }

    @Test func listEnvelopeLimitsAndBothEmailSpellings() async throws {
        try await withFakeOpenAI { fake, _ in
            for index in 1...25 { fake.addUser(email: "user\(index)@example.com") }
            let transport = raw(fake)
            let page = try object(try await transport.send(VendorRequest(.get, "/organization/users")))
            #expect(page["object"] as? String == "list")
            #expect((page["data"] as? [Any])?.count == 20)
            #expect(page["has_more"] as? Bool == true)
            #expect(page["first_id"] as? String != nil)
            #expect(page["last_id"] as? String != nil)

            for bad in ["0", "101", "ten"] {
                let response = try await transport.send(
                    VendorRequest(.get, "/organization/users", query: [.init(name: "limit", value: bad)]))
                #expect(response.status == 400)
            }
            let plain = try await transport.send(
                VendorRequest(.get, "/organization/users", query: [.init(name: "emails", value: "USER3@example.com")]))
            #expect(
                (try object(plain)["data"] as? [[String: Any]])?.map { $0["email"] as? String } == ["user3@example.com"]
            )
            let unknownCursor = try await transport.send(
                VendorRequest(.get, "/organization/users", query: [.init(name: "after", value: "user-nope")]))
            #expect(unknownCursor.status == 400)
        }
    }

    @Test func cursorsSurviveDeletionOfTheCursorObject() async throws {
        try await withFakeOpenAI { fake, client in
            let users = (1...5).map { fake.addUser(email: "u\($0)@example.com") }
            let first = try await client.listUsersPage(limit: 2)
            _ = try await client.deleteUser(id: users[1].id)
            let next = try await client.listUsersPage(after: first.lastID, limit: 2)
            #expect(next.data.map(\.id) == [users[2].id, users[3].id])
        }
    }

    @Test func unknownPathsAndPathsWithoutV1Are404() async throws {
        try await withFakeOpenAI { fake, _ in
            let base = fake.baseURL!.absoluteString.replacingOccurrences(of: "/v1", with: "")
            let transport = HTTPVendorTransport(
                configuration: .init(baseURL: base, authentication: .bearer(fake.adminKey)))
            let withoutPrefix = try await transport.send(VendorRequest(.get, "/organization/users"))
            #expect(withoutPrefix.status == 404)
            let unknownPath = try await raw(fake).send(VendorRequest(.get, "/organization/nothing"))
            #expect(unknownPath.status == 404)
            let notJSON = try await raw(fake).send(
                VendorRequest(.post, "/organization/projects", body: Array("not json".utf8)))
            #expect(notJSON.status == 400)
        }
    }

    @Test func theCallLogRecordsEveryRequestInOrder() async throws {
        try await withFakeOpenAI { fake, client in
            fake.injectFaults([.status(503)])
            _ = try? await client.listProjectsPage()
            _ = try await client.createProject(name: "a")
            _ = try? await OpenAIAdminClient(baseURL: fake.baseURL!.absoluteString, adminKey: "wrong")
                .listProjectsPage()
            fake.setRateLimit(FakeRateLimit(requests: 1, per: .seconds(30)))
            _ = try await client.listProjectsPage()
            _ = try? await client.listProjectsPage()

            let calls = fake.calls
            #expect(calls.map(\.status) == [503, 200, 401, 200, 429])
            #expect(calls.map(\.outcome) == [.fault, .handled, .unauthorized, .handled, .rateLimited])
            #expect(calls.map(\.id) == calls.map(\.id).sorted())
            #expect(zip(calls, calls.dropFirst()).allSatisfy { $0.receivedAt <= $1.receivedAt })
            #expect(calls.mutatingCalls.count == 1)
            #expect(calls.mutatingCalls.first?.body == #"{"name":"a"}"#)
            #expect(calls.admittedCalls.count == 2)

            fake.reset()
            #expect(fake.calls.isEmpty)
            #expect(fake.projects.count == 1)
            let afterReset = try await client.listProjectsPage()
            #expect(afterReset.data.count == 1)
        }
    }

    /// openai/openai-openapi `openapi.yaml`, schema `User`: only `object`, `id` and `added_at`
    /// are required, so `email` can be null; `is_scim_managed` is optional. The `emails` filter
    /// of `GET /organization/users` is documented without a word on letter case: both answers
    /// are switchable.
    @Test func usersMayHaveNoAddressAndTheEmailFilterCaseIsASwitch() async throws {
        try await withFakeOpenAI(options: .init(emailFilterIgnoresCase: false)) { fake, _ in
            fake.addUser(email: nil, name: "Service")
            fake.addUser(email: "Ada@Example.com", isScimManaged: true)
            let transport = raw(fake)
            let all = try #require(
                try object(try await transport.send(VendorRequest(.get, "/organization/users")))["data"]
                    as? [[String: Any]])
            #expect(all.count == 2)
            #expect(all[0]["email"] is NSNull)
            #expect(all[1]["is_scim_managed"] as? Bool == true)
            let lower = try object(
                try await transport.send(
                    VendorRequest(
                        .get, "/organization/users", query: [.init(name: "emails[]", value: "ada@example.com")])))
            #expect((lower["data"] as? [Any])?.isEmpty == true, "exact when the switch says so")
            fake.setOptions(.init(emailFilterIgnoresCase: true))
            let folded = try object(
                try await transport.send(
                    VendorRequest(
                        .get, "/organization/users", query: [.init(name: "emails[]", value: "ada@example.com")])))
            #expect((folded["data"] as? [Any])?.count == 1)
        }
    }

    @Test func peakCountUsesASlidingWindow() {
        let start = ContinuousClock.now
        let calls = [0, 900, 1_100, 1_200, 2_500].enumerated().map { index, millis in
            FakeCall(
                id: index, method: "GET", path: "/", query: "", body: nil, status: 200,
                receivedAt: start + .milliseconds(millis), offset: .milliseconds(millis), outcome: .handled
            )
        }
        let log = FakeCallLog(calls)
        #expect(log.peakCount(inAnyWindowOf: .seconds(1)) == 3)  // 900, 1100, 1200
        #expect(log.countsPerFixedWindow(.seconds(1)) == [0: 2, 1: 2, 2: 1])
    }

    @Test func theRateLimitCounterIsAFixedWindow() {
        var counter = FakeRateLimit.Counter(FakeRateLimit(requests: 2))
        #expect(counter.admit(at: .milliseconds(10)) == nil)
        #expect(counter.admit(at: .milliseconds(20)) == nil)
        #expect(counter.admit(at: .milliseconds(250)) == .milliseconds(750))
        #expect(counter.remaining(at: .milliseconds(300)) == 0)
        #expect(counter.admit(at: .milliseconds(1_000)) == nil)
        #expect(counter.remaining(at: .milliseconds(1_100)) == 1)
    }
}
