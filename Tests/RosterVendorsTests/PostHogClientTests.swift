import Foundation
import RosterTesting
import RosterVendors
import Testing

/// ``PostHogClient`` against the fake PostHog server over loopback HTTP, and its pure parts.
@Suite struct PostHogClientTests {
    @Test func followsAbsoluteNextURLsBelowABasePathPrefix() async throws {
        try await withPostHog(pathPrefix: "/posthog") { fake, _, client in
            fake.withState { state in
                for index in 1...250 { state.addMember(email: "member\(index)@example.com") }
            }
            let members = try await client.listMembers()
            #expect(members.count == 251)  // + the calling owner
            #expect(Set(members.map(\.user.uuid)).count == 251)

            let pages = fake.calls.calls("GET", path: fake.apiPath("members/"))
            #expect(pages.map(\.query) == ["limit=100", "limit=100&offset=100", "limit=100&offset=200"])
            #expect(pages.allSatisfy { $0.path.hasPrefix("/posthog/api/") })
        }
    }

    @Test func nextQueriesAreSentVerbatim() async throws {
        try await withPostHog { fake, _, client in
            for index in 1...150 { fake.addProject(name: "research ai \(index)") }
            let found = try await client.listProjects(search: "research ai")
            #expect(found.count == 150)
            let pages = fake.calls.calls("GET", path: fake.apiPath("projects/"))
            // The client encodes the first query; the second is the fake's `next`, form-encoded
            // (`+` for the space), and goes back exactly as the server wrote it.
            #expect(
                pages.map(\.query) == ["limit=100&search=research%20ai", "search=research+ai&limit=100&offset=100"]
            )
        }
    }

    @Test func nextRequestsKeepPathAndQueryAndDropThePrefix() {
        let plain = PostHogClient(transport: StubTransport(status: 200, body: "{}"), organizationID: "org")
        #expect(
            plain.nextRequest("https://us.posthog.com/api/organizations/org/invites/?limit=100&offset=100")
                .pathWithQuery
                == "/api/organizations/org/invites/?limit=100&offset=100"
        )
        // A prefix the client was not told about is still dropped before `/api/`.
        #expect(
            plain.nextRequest("https://ph.example.com/tools/posthog/api/organizations/org/members/?offset=2").path
                == "/api/organizations/org/members/?offset=2"
        )

        var prefixed = plain
        prefixed.basePath = PostHogClient.pathPrefix(ofBaseURL: "https://ph.example.com/posthog/")
        #expect(prefixed.basePath == "/posthog")
        #expect(
            prefixed.nextRequest("https://ph.example.com/posthog/api/organizations/org/members/?limit=1&offset=1").path
                == "/api/organizations/org/members/?limit=1&offset=1"
        )
        #expect(PostHogClient.pathPrefix(ofBaseURL: "https://eu.posthog.com") == "")
    }

    @Test func findProjectMatchesNamesExactly() async throws {
        try await withPostHog { fake, _, client in
            fake.addProject(name: "web-app")
            let web = fake.addProject(name: "web")
            fake.addProject(name: "Web")
            let exact = try await client.findProject(named: "web")
            let partial = try await client.findProject(named: "we")
            #expect(exact?.id == web.id)
            #expect(partial == nil)
        }
    }

    @Test func throttledWithRetryAfterUsesTheHeader() async throws {
        try await withPostHog { fake, _, client in
            fake.injectFaults([.status(429, retryAfter: 7)])
            let error = await expectVendorError { _ = try await client.listMembers() }
            #expect(error?.status == 429)
            #expect(error?.isRetryable == true)
            #expect(error?.vendorCode == "throttled")
            #expect(error?.retryAfter == .seconds(7))
            #expect(error?.message == "Request was throttled. Expected available in 7 seconds.")
        }
    }

    @Test func throttledWithoutRetryAfterUsesTheDetail() async throws {
        try await withPostHog(options: .init(sendsRetryAfter: false)) { fake, _, client in
            // A long window, so the second call falls inside it however slowly a busy machine
            // sends it, and the wait the detail names is most of the window.
            fake.setRateLimit(FakeRateLimit(requests: 1, per: .seconds(600)))
            _ = try await client.listMembers()
            let error = await expectVendorError { _ = try await client.listMembers() }
            let retryAfter = try #require(error?.retryAfter)
            #expect(retryAfter > .seconds(300) && retryAfter <= .seconds(600))
            let refused = try #require(fake.calls.calls(status: 429).first)
            #expect(refused.outcome == .rateLimited)
        }
    }

    @Test func theHeaderWinsOverTheDetail() async throws {
        let message = "Request was throttled. Expected available in 9 seconds."
        let body = #"{"type":"throttled_error","code":"throttled","detail":"\#(message)","attr":null}"#
        let header = PostHogClient(
            transport: StubTransport(status: 429, headers: ["Retry-After": "3"], body: body),
            organizationID: "o"
        )
        #expect(await expectVendorError { _ = try await header.listInvites() }?.retryAfter == .seconds(3))
        let detail = PostHogClient(transport: StubTransport(status: 429, body: body), organizationID: "o")
        #expect(await expectVendorError { _ = try await detail.listInvites() }?.retryAfter == .seconds(9))
    }

    @Test func aWrongKeyIsPermanentWithPostHogsMessage() async throws {
        try await withPostHog { fake, _, _ in
            let client = PostHogClient(
                baseURL: fake.baseURL!.absoluteString,
                organizationID: fake.organizationID,
                personalAPIKey: "phx_wrong_personal_key"
            )
            let error = await expectVendorError { _ = try await client.listProjects() }
            #expect(error?.status == 401)
            #expect(error?.classification == .permanent)
            #expect(error?.vendorCode == "invalid_personal_api_key")
            #expect(error?.redactedMessage == "Personal API key found in request Authorization header is invalid.")
            #expect(error?.description.contains("phx_wrong") == false)
        }
    }

    @Test func bulkInvitesRefuseMoreThanTwentyWithoutACall() async throws {
        try await withPostHog { fake, _, client in
            let requests = (0..<21).map { PostHogInviteRequest(targetEmail: "p\($0)@example.com", level: .member) }
            let error = await expectVendorError { _ = try await client.createInvites(requests) }
            #expect(error?.classification == .permanent)
            #expect(fake.calls.isEmpty)
        }
    }

    @Test func oneMemberFailsAWholeBulkCallSoTheBatchFiltersMembersFirst() async throws {
        try await withPostHog { fake, _, client in
            fake.addMember(email: "grace@example.com")
            let requests = ["ada@example.com", "grace@example.com"].map {
                PostHogInviteRequest(targetEmail: $0, level: .member)
            }
            let error = await expectVendorError { _ = try await client.createInvites(requests) }
            #expect(error?.status == 400)
            #expect(error?.message == "A user with this email address already belongs to the organization.")
            #expect(fake.invites.isEmpty)  // all or nothing

            let result = try await client.inviteBatch(
                emails: ["Ada@example.com", "GRACE@example.com", "ada@example.com"],
                level: .admin
            )
            #expect(result.invitedEmails == ["ada@example.com"])
            #expect(result.alreadyMembers == ["grace@example.com"])
            #expect(result.invited.map(\.level) == [.admin])
            #expect(result.bulkCalls == 1)
        }
    }

    @Test func aBulkAnswerWithoutABodyIsAccepted() async throws {
        try await withPostHog(options: .init(bulkReturnsInvites: false)) { fake, _, client in
            let result = try await client.inviteBatch(emails: ["ada@example.com"], level: .member)
            #expect(result.invited.isEmpty)
            #expect(result.invitedEmails == ["ada@example.com"])
            #expect(fake.invites.count == 1)
        }
    }

    @Test func levelsReadNamesAndNumbers() {
        #expect(PostHogMembershipLevel(role: "Admin") == .admin)
        #expect(PostHogMembershipLevel(role: "15") == .owner)
        #expect(PostHogMembershipLevel(role: "1") == .member)
        #expect(PostHogMembershipLevel(role: "viewer") == nil)
        #expect(PostHogMembershipLevel.owner.projectLevel == .admin)
        #expect(PostHogMembershipLevel.member.projectLevel == .member)
    }
}
