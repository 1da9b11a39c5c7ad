import Foundation
import RosterTesting
import RosterVendors
import Testing

/// How the OpenAI client reports failures from the fake server over real HTTP.
@Suite struct OpenAIAdminClientFailureTests {
    @Test func aWrongKeyIsAPermanent401WithTheVendorsMessage() async throws {
        try await withFakeOpenAI { fake, _ in
            let client = OpenAIAdminClient(baseURL: fake.baseURL!.absoluteString, adminKey: "sk-admin-wrong-key-123")
            let error = await expectVendorError { _ = try await client.listProjects() }
            #expect(error?.status == 401)
            #expect(error?.vendorCode == "invalid_api_key")
            #expect(error?.message.hasPrefix("Incorrect API key provided: sk-a****-123.") == true)
            #expect(error?.isRetryable == false)
            #expect(error?.classification == .permanent)
            #expect(fake.calls.map(\.status) == [401])
            #expect(fake.calls.first?.outcome == .unauthorized)
        }
    }

    @Test func injected429CarriesRetryAfter() async throws {
        try await withFakeOpenAI { fake, client in
            fake.injectFaults([.status(429, retryAfter: 2)])
            let error = await expectVendorError { _ = try await client.listUsers() }
            #expect(error?.status == 429)
            #expect(error?.vendorCode == "rate_limit_exceeded")
            #expect(error?.retryAfter == .seconds(2))
            #expect(error?.isRetryable == true)
            // The fault was consumed: the next call succeeds.
            let users = try await client.listUsers()
            #expect(users.isEmpty)
        }
    }

    @Test func injected503sAreRetryableAndConsumedInOrder() async throws {
        try await withFakeOpenAI { fake, client in
            fake.injectFaults([.status(503), .status(503), .status(500)])
            var statuses: [Int?] = []
            for _ in 0..<3 {
                let error = await expectVendorError { _ = try await client.listInvitesPage() }
                #expect(error?.isRetryable == true)
                #expect(error?.vendorCode == "server_error")
                statuses.append(error?.status)
            }
            #expect(statuses == [503, 503, 500])
            #expect(fake.pendingFaults.isEmpty)
            let page = try await client.listInvitesPage()
            #expect(page.data.isEmpty)
        }
    }

    @Test func faultsCanTargetOneEndpoint() async throws {
        try await withFakeOpenAI { fake, client in
            fake.injectFaults(
                [.status(502)], matching: FakeRequestMatcher(method: "POST", pathPrefix: "/v1/organization/invites"))
            let invites = try await client.listInvites()
            #expect(invites.isEmpty)
            let error = await expectVendorError {
                _ = try await client.createInvite(email: "ada@example.com", role: "reader", projects: [])
            }
            #expect(error?.status == 502)
            #expect(fake.invites.isEmpty)
        }
    }

    @Test func aFailureAfterApplyingLeavesTheChangeBehind() async throws {
        try await withFakeOpenAI { fake, client in
            fake.injectFaults([.statusAfterApplying(500)])
            let error = await expectVendorError { _ = try await client.createProject(name: "research-ai") }
            #expect(error?.isRetryable == true)
            // The vendor did the work: a retry must look before creating again.
            let leftBehind = try await client.findProject(named: "research-ai")
            #expect(leftBehind != nil)
            #expect(fake.calls.first?.outcome == .faultAfterApplying)
        }
    }

    @Test func aSlowVendorTimesOut() async throws {
        try await withFakeOpenAI(requestTimeout: .milliseconds(150)) { fake, client in
            fake.injectFaults([.delay(.milliseconds(600))])
            let error = await expectVendorError { _ = try await client.listProjectsPage() }
            #expect(error?.code == .timeout)
            #expect(error?.isRetryable == true)
        }
    }

    @Test func aRefusedConnectionIsARetryableTransportError() async {
        // Port 1 on loopback: privileged and, on a test machine, never listening.
        let client = OpenAIAdminClient(
            baseURL: "http://127.0.0.1:1/v1", adminKey: "sk-admin-x", requestTimeout: .seconds(1))
        let error = await expectVendorError { _ = try await client.listProjectsPage() }
        #expect(error?.code == .transport)
        #expect(error?.vendor == "openai")
        #expect(error?.isRetryable == true)
        #expect(error?.status == nil)
    }

    @Test func vendorMessagesWithAddressesAreRedactedInDescriptions() async throws {
        try await withFakeOpenAI { fake, client in
            fake.addUser(email: "Ada.Lovelace@Example.com")
            let error = await expectVendorError {
                _ = try await client.createInvite(email: "Ada.Lovelace@Example.com", role: "reader", projects: [])
            }
            #expect(error?.status == 400)
            #expect(error?.message.contains("Ada.Lovelace@Example.com") == true)
            let description = error.map { "\($0)" } ?? ""
            #expect(!description.contains("Lovelace"))
            #expect(description.contains("<email>"))
            #expect(error?.redactedMessage.contains("Example.com") == false)
        }
    }

    @Test func duplicateChecksAreConfigurable() async throws {
        let lenient = FakeOpenAIState.Options(rejectDuplicatePendingInvite: false)
        try await withFakeOpenAI(options: lenient) { fake, client in
            _ = try await client.createInvite(email: "ada@example.com", role: "reader", projects: [])
            _ = try await client.createInvite(email: "ada@example.com", role: "reader", projects: [])
            let pending = try await client.pendingInvites(email: "ADA@example.com")
            #expect(pending.count == 2)
            fake.setOptions(.init())
            let error = await expectVendorError {
                _ = try await client.createInvite(email: "ada@example.com", role: "reader", projects: [])
            }
            #expect(error?.status == 400)
        }
    }

    @Test func nonMembersCannotBeAddedToProjectsAndArchivedProjectsRefuseChanges() async throws {
        try await withFakeOpenAI { fake, client in
            let project = try await client.createProject(name: "research-ai")
            let notMember = await expectVendorError {
                _ = try await client.addProjectUser(projectID: project.id, userID: "user-999999", role: "member")
            }
            #expect(notMember?.status == 400)
            #expect(notMember?.isRetryable == false)

            let ada = fake.addUser(email: "ada@example.com")
            _ = try await client.archiveProject(id: project.id)
            let archived = await expectVendorError {
                _ = try await client.addProjectUser(projectID: project.id, userID: ada.id, role: "member")
            }
            #expect(archived?.status == 400)
            let listing = await expectVendorError { _ = try await client.listProjectUsers(projectID: project.id) }
            #expect(listing?.status == 400)
        }
    }

    @Test func theFakesRateLimitAnswers429WithRetryAfter() async throws {
        try await withFakeOpenAI { fake, client in
            fake.setRateLimit(FakeRateLimit(requests: 3, per: .seconds(2)))
            var errors: [VendorError] = []
            for _ in 0..<5 {
                do {
                    _ = try await client.listProjectsPage()
                } catch let error as VendorError {
                    errors.append(error)
                }
            }
            let calls = fake.calls
            // Whatever the timing, each fixed window admitted at most 3 and refused only beyond 3.
            let windows = Dictionary(grouping: calls) { Int($0.offset / .seconds(2)) }
            for (_, inWindow) in windows {
                let admitted = inWindow.filter { $0.status == 200 }.count
                #expect(admitted <= 3)
                #expect(inWindow.prefix(3).allSatisfy { $0.status == 200 })
                #expect(inWindow.dropFirst(3).allSatisfy { $0.status == 429 })
            }
            #expect(errors.count == calls.filter { $0.status == 429 }.count)
            for error in errors {
                #expect(error.status == 429)
                #expect(error.vendorCode == "rate_limit_exceeded")
                #expect(error.isRetryable)
                let wait = try #require(error.retryAfter)
                #expect(wait > .zero && wait <= .seconds(2))
            }
            #expect(calls.peakCount(inAnyWindowOf: .seconds(2)) { $0.status == 200 } <= 6)
        }
    }
}
