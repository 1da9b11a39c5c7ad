import Foundation
import RosterVendors
import Testing

/// The client's parsing and error mapping, against canned responses (no HTTP).
@Suite struct OpenAIEnvelopeTests {
    @Test func errorEnvelopeBecomesAVendorError() async {
        let stub = StubTransport(
            status: 400,
            body:
                #"{"error":{"message":"Invalid 'role': expected one of 'owner', 'reader'.","type":"invalid_request_error","param":"role","code":null}}"#
        )
        let client = OpenAIAdminClient(transport: stub)
        let error = await expectVendorError { _ = try await client.updateUserRole(id: "user-1", role: "admin") }
        #expect(error?.code == .http)
        #expect(error?.status == 400)
        #expect(error?.vendorCode == "invalid_request_error")
        #expect(error?.message == "Invalid 'role': expected one of 'owner', 'reader'.")
        #expect(error?.classification == .permanent)
        #expect(error?.vendor == "openai")
    }

    @Test func theCodeWinsOverTheTypeAndMayBeANumber() async {
        let stub = StubTransport(
            status: 401,
            body: #"{"error":{"message":"m","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}"#)
        let error = await expectVendorError { _ = try await OpenAIAdminClient(transport: stub).listProjectsPage() }
        #expect(error?.vendorCode == "invalid_api_key")
        let numeric = StubTransport(status: 500, body: #"{"error":{"message":"m","type":"server_error","code":500}}"#)
        let numericError = await expectVendorError {
            _ = try await OpenAIAdminClient(transport: numeric).listProjectsPage()
        }
        #expect(numericError?.vendorCode == "500")
    }

    @Test func aBodyThatIsNotTheEnvelopeStillGivesAMessage() async {
        let html = StubTransport(status: 502, body: "<html><body>Bad gateway</body></html>")
        let error = await expectVendorError { _ = try await OpenAIAdminClient(transport: html).listInvitesPage() }
        #expect(error?.message == "<html><body>Bad gateway</body></html>")
        #expect(error?.isRetryable == true)
        let empty = StubTransport(VendorResponse(status: 503))
        let emptyError = await expectVendorError { _ = try await OpenAIAdminClient(transport: empty).listInvitesPage() }
        #expect(emptyError?.message == "HTTP 503 from GET /organization/invites")
    }

    @Test func shouldRetryHeaderAndRetryAfterAreRead() async {
        let stub = StubTransport(
            status: 400,
            headers: ["x-should-retry": "true", "retry-after-ms": "750"],
            body: #"{"error":{"message":"busy","type":"invalid_request_error"}}"#
        )
        let error = await expectVendorError { _ = try await OpenAIAdminClient(transport: stub).listUsersPage() }
        #expect(error?.isRetryable == true)
        #expect(error?.retryAfter == .milliseconds(750))
    }

    @Test func malformedSuccessBodiesAreDecodingErrorsButOneBadRecordIsSkipped() async throws {
        let whole = StubTransport(status: 200, body: #"{"object":"list","data":"nope","has_more":false}"#)
        let error = await expectVendorError { _ = try await OpenAIAdminClient(transport: whole).listProjects() }
        #expect(error?.code == .decoding)
        #expect(error?.isRetryable == false)
        #expect(error?.message.contains("data") == true)

        // One record Roster cannot read does not fail the listing (issue 13): it is set apart.
        let one = StubTransport(status: 200, body: #"{"object":"list","data":[{"name":"no id"}],"has_more":false}"#)
        #expect(try await OpenAIAdminClient(transport: one).listProjects().isEmpty)
        let page = try await OpenAIAdminClient(transport: one).listProjectsPage()
        #expect(page.unreadable.first?.problem.hasSuffix("id") == true)
    }

    @Test func aListThatClaimsMoreWithoutACursorIsRefused() async {
        let stub = StubTransport(
            status: 200, body: #"{"object":"list","data":[],"first_id":null,"last_id":null,"has_more":true}"#)
        let error = await expectVendorError { _ = try await OpenAIAdminClient(transport: stub).listInvites() }
        #expect(error?.code == .unexpected)
    }

    @Test func modelsDecodeLenientlyAndAcceptTheOlderInviteShape() throws {
        let json = #"""
            {"object":"list","has_more":false,"data":[
              {"object":"organization.invite","id":"invite-abc","email":"Ada@Example.com","role":"reader",
               "status":"pending","invited_at":1711471533,"expires_at":1712076333,"accepted_at":null,
               "projects":[{"id":"proj_1","role":"member"}],"brand_new_field":{"x":1}},
              {"object":"organization.invite","id":"invite-def","email":"bob@example.com","status":"revoked_someday"}
            ]}
            """#
        let page = try JSONDecoder().decode(OpenAIPage<OpenAIInvite>.self, from: Data(json.utf8))
        #expect(page.data.count == 2)
        #expect(page.data[0].createdAt == 1_711_471_533)
        #expect(page.data[0].isPending)
        #expect(page.data[0].hasEmail("ada@example.COM"))
        #expect(page.data[0].projects == [OpenAIInvite.ProjectGrant(id: "proj_1", role: "member")])
        #expect(page.data[1].status?.rawValue == "revoked_someday")
        #expect(page.data[1].role == nil)
        #expect(page.lastID == nil)
    }

    @Test func apiKeyOwnersDecodeForUsersAndServiceAccounts() throws {
        let json = #"""
            [{"object":"organization.project.api_key","id":"key_1","name":"laptop","redacted_value":"sk-abc...def",
              "created_at":1711471533,"last_used_at":null,"owner_project_access":"inactive",
              "owner":{"type":"user","user":{"id":"user-1","email":"ADA@example.com","name":"Ada","role":"owner","created_at":1}}},
             {"object":"organization.project.api_key","id":"key_2","name":"ci","redacted_value":"sk-ghi...jkl",
              "created_at":1711471534,"last_used_at":1711471600,
              "owner":{"type":"service_account","service_account":{"id":"svc_acct_1","name":"CI","role":"member","created_at":1}}}]
            """#
        let keys = try JSONDecoder().decode([OpenAIProjectAPIKey].self, from: Data(json.utf8))
        #expect(keys[0].owner?.type == .user)
        #expect(keys[0].isOwned(byUserID: "user-1"))
        #expect(keys[0].isOwned(byEmail: "ada@EXAMPLE.com"))
        #expect(keys[0].ownerProjectAccess == "inactive")
        #expect(keys[1].owner?.type == .serviceAccount)
        #expect(keys[1].owner?.serviceAccount?.name == "CI")
        #expect(!keys[1].isOwned(byUserID: "svc_acct_1"))
        #expect(keys[1].lastUsedAt == 1_711_471_600)
    }

    @Test func requestsEncodeRepeatedQueryItemsAndIDs() {
        let request = VendorRequest(
            .get,
            "/organization/users",
            query: [
                .init(name: "emails[]", value: "ada+x@example.com"), .init(name: "emails[]", value: "b@y.io"),
                .init(name: "limit", value: "100"),
            ]
        )
        #expect(
            request.pathWithQuery
                == "/organization/users?emails%5B%5D=ada%2Bx%40example.com&emails%5B%5D=b%40y.io&limit=100")
        #expect(!request.isMutation)
        #expect(VendorRequest(.post, "/x").isMutation)
        #expect(VendorRequest(.delete, "/x").isDelete)
        #expect(VendorRequest.pathSegment("../users/me?x") == "..%2Fusers%2Fme%3Fx")
    }

    @Test func createInviteAlwaysSendsProjects() async throws {
        let stub = StubTransport(
            status: 200,
            body: #"{"id":"invite-1","email":"ada@example.com","role":"reader","status":"pending","projects":[]}"#)
        let client = OpenAIAdminClient(transport: stub)
        _ = try await client.createInvite(email: "ada@example.com", role: "reader", projects: [])
        let body = try #require(stub.requests.first?.body)
        let object = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
        #expect((object?["projects"] as? [Any])?.isEmpty == true)
    }
}
