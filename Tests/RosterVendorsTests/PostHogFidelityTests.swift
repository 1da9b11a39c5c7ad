import Foundation
import MetricsTestKit
import RosterCore
import RosterTesting
import RosterVendors
import Testing

/// ``PostHogConnector`` and ``PostHogClient`` against the PostHog fake where it follows PostHog's
/// published source (issue 13): string project levels, case-sensitive `?email=`, access-control
/// records for private projects, and listings that survive a record Roster cannot read.
@Suite struct PostHogFidelityTests {
    static let ada = Employee(id: "E1", email: "ada@example.com", name: "Ada")

    static func step(
        _ action: VendorStep.Action, _ project: String? = nil, role: String? = nil, grants: [AccessGrant]? = nil
    ) -> VendorStep {
        VendorStep(vendor: "posthog", action: action, project: project, role: role, grants: grants)
    }

    // MARK: - 1. String levels

    @Test func projectAccessLevelsReadBothFormsAndAreSentAsStrings() throws {
        let json = #"[{"id":1,"level":1},{"id":"2","level":8},{"id":3,"level":"admin"},{"id":4,"level":"member"}]"#
        let access = try JSONDecoder().decode([PostHogInvite.ProjectAccess].self, from: Data(json.utf8))
        #expect(access.map(\.level) == [.member, .admin, .admin, .member])
        let sent = String(decoding: try JSONEncoder().encode(access[1]), as: UTF8.self)
        #expect(sent.contains(#""level":"admin""#))
        #expect(
            PostHogMembershipLevel.admin.projectLevel == .admin && PostHogMembershipLevel.member.projectLevel == .member
        )
        #expect(PostHogProjectAccessLevel.none < .member && PostHogProjectAccessLevel.member < .admin)
    }

    @Test func anOffboardingSucceedsBesideSomeoneElsesStringLevelInvite() async throws {
        try await withPostHog { fake, runner, client in
            let secret = fake.addProject(name: "secret", isPrivate: true)
            fake.addInvite(
                email: "grace@example.com", privateProjectAccess: [.init(projectID: secret.id, level: "admin")])
            fake.addInvite(email: "old@example.com", privateProjectAccess: [.init(projectID: secret.id, level: 1)])
            fake.addInvite(email: Self.ada.email)
            let (outcome, _) = try await runner.run(Self.step(.revokeInvites), for: Self.ada)
            #expect(outcome.summary == "deleted 1 invite(s)")
            #expect(fake.invites(email: Self.ada.email).isEmpty)
            let levels = try await client.listInvites().compactMap { $0.privateProjectAccess?.first?.level }
            #expect(levels.sorted() == [.admin, .member].sorted())
        }
    }

    // MARK: - 2. Listings survive an unreadable record

    @Test func anUnreadableInviteIsSkippedAndCountedUnlessItIsThePersons() async throws {
        try await withPostHog { fake, _, _ in
            // Two records the decoder cannot read: someone else's and Ada's (ids still readable).
            fake.withState { state in
                state.insertInvite(email: "grace@example.com")
                state.insertInvite(email: Self.ada.email)
            }
            let body = """
                {"count":3,"next":null,"previous":null,"results":[
                {"id":"bad-1","target_email":"grace@example.com","level":"weird"},
                {"id":"good","target_email":"bo@example.com","level":1,"is_expired":false},
                {"id":"\(fake.invites(email: Self.ada.email)[0].id)","target_email":"ADA@example.com","level":{}}]}
                """
            let stub = StubTransport(status: 200, body: body)
            let metrics = TestMetrics()
            let listing = try await VendorRecordSkips.$factory.withValue(metrics) {
                try await PostHogClient(transport: stub, organizationID: fake.organizationID).inviteListing()
            }
            #expect(listing.items.map(\.id) == ["good"])
            #expect(listing.unreadable.map(\.id) == ["bad-1", fake.invites(email: Self.ada.email)[0].id])
            #expect(listing.unreadable.map(\.position) == [0, 2])
            #expect(!listing.unreadable.description.contains("@"), "never an address")
            let counter = try metrics.expectCounter(VendorRecordSkips.metricName, [("vendor", "posthog")])
            #expect(counter.totalValue == 2)

            // Asking for Ada's invites refuses: the unreadable one is hers.
            let client = PostHogClient(transport: stub, organizationID: fake.organizationID)
            let refused = await expectVendorError { _ = try await client.invites(email: Self.ada.email) }
            #expect(refused?.classification == .permanent)
            #expect(refused?.message.contains("@") == false)
            #expect(try await client.invites(email: "bo@example.com").map(\.id) == ["good"])
        }
    }

    @Test func revokeInvitesDeletesThePersonsUnreadableInviteByID() async throws {
        try await withPostHog { fake, _, _ in
            let hers = fake.addInvite(email: Self.ada.email)
            let body = """
                {"count":2,"next":null,"previous":null,"results":[
                {"id":"x","target_email":"grace@example.com","level":"weird"},
                {"id":"\(hers.id)","target_email":"Ada@example.com","level":"weird"}]}
                """
            let real = HTTPVendorTransport(
                configuration: .init(
                    baseURL: fake.baseURL!.absoluteString, authentication: .bearer(fake.personalAPIKey)))
            let transport = ListingOverride(body: body, path: fake.apiPath("invites/"), next: real)
            let recorder = StepRecorder()
            let outcome = try await PostHogConnector(organizationID: fake.organizationID).run(
                Self.step(.revokeInvites), for: Self.ada, context: recorder.context(transport: transport))
            #expect(outcome.summary == "deleted 1 invite(s)")
            #expect(recorder.audits.map { $0.target["invite_id"] } == [hers.id])
            #expect(fake.invites(email: Self.ada.email).isEmpty)
        }
    }

    // MARK: - 3. Case-insensitive lookups

    @Test func aMixedCaseMemberIsFoundThroughSearchAndOffboarded() async throws {
        try await withPostHog { fake, runner, client in
            let stored = fake.addMember(email: "Ada@Example.com", level: 1)
            #expect(try await client.findMember(email: Self.ada.email)?.user.uuid == stored.user.uuid)
            let calls = fake.calls.calls("GET", path: fake.apiPath("members/")).map(\.query)
            #expect(calls.count == 2 && calls[0].contains("email=") && calls[1].contains("search="))

            // Onboarding raises the level instead of inviting a member.
            fake.addProject(name: "web")
            let (raised, _) = try await runner.run(Self.step(.ensureAccess, "web", role: "admin"), for: Self.ada)
            #expect(raised.summary == "changed level from member to admin")
            #expect(fake.invites.isEmpty)

            // Offboarding removes every account with the address in any case.
            fake.addMember(email: Self.ada.email)
            let (removed, recorder) = try await runner.run(Self.step(.removeOrganizationMembership), for: Self.ada)
            #expect(
                recorder.audits.map(\.action.rawValue) == ["remove_organization_member", "remove_organization_member"])
            #expect(removed.summary.contains(stored.user.uuid))
            #expect(fake.members.count == 1)  // the calling owner
            let (again, _) = try await runner.run(Self.step(.removeOrganizationMembership), for: Self.ada)
            #expect(again.summary == "not an organization member")
        }
    }

    @Test func aNewInviteReplacesPendingInvitesStoredInAnotherCase() async throws {
        try await withPostHog { fake, runner, _ in
            let secret = fake.addProject(name: "secret", isPrivate: true)
            fake.addProject(name: "web")
            let old = fake.addInvite(
                email: "Ada@example.com", privateProjectAccess: [.init(projectID: secret.id, level: "member")])
            let (outcome, recorder) = try await runner.run(
                Self.step(.ensureAccess, "web", role: "admin"), for: Self.ada)
            let invites = fake.invites(email: Self.ada.email)
            #expect(invites.count == 1, "PostHog kept the differently-cased invite; Roster deleted it")
            #expect(invites.first?.targetEmail == Self.ada.email)
            #expect(invites.first?.level == 8)
            #expect(invites.first?.privateProjectAccess == [.init(projectID: secret.id, level: "member")])
            #expect(!invites.contains { $0.id == old.id })
            #expect(recorder.audits.map(\.action.rawValue) == ["create_invite", "delete_invite"])
            #expect(outcome.summary.contains("other letter case"))
        }
    }

    // MARK: - 4. Private projects through access controls

    @Test func aMemberGetsAndLosesPrivateProjectAccessThroughAccessControls() async throws {
        try await withPostHog { fake, runner, _ in
            let secret = fake.addProject(name: "secret", isPrivate: true)
            let finance = fake.addProject(name: "finance", isPrivate: true)
            fake.addProject(name: "web")
            let member = fake.addMember(email: Self.ada.email)

            let (granted, recorder) = try await runner.run(
                Self.step(.ensureAccess, "secret", role: "member"), for: Self.ada)
            #expect(granted.residual == nil)
            #expect(granted.summary == "gave access to private project \(secret.id) as member")
            #expect(fake.projectAccessLevel(projectID: secret.id, email: Self.ada.email) == "member")
            #expect(recorder.audits.first?.action.rawValue == "change_project_role")
            #expect(recorder.audits.first?.target["member_id"] == member.id)
            #expect(recorder.lastState?["project_id.private"] == "private")

            // Again: nothing to do. An admin role raises the record, never lowers it.
            fake.clearCalls()
            try await runner.run(Self.step(.ensureAccess, "secret", role: "member"), for: Self.ada)
            #expect(fake.calls.mutatingCalls.isEmpty)

            // A change to finance: reconcile gives finance and takes secret away.
            let grants = [AccessGrant(vendor: "posthog", project: "finance", role: "admin")]
            let (changed, _) = try await runner.run(Self.step(.reconcile, grants: grants), for: Self.ada)
            #expect(fake.projectAccessLevel(projectID: secret.id, email: Self.ada.email) == nil)
            #expect(fake.projectAccessLevel(projectID: finance.id, email: Self.ada.email) == "admin")
            #expect(changed.summary.contains("removed access to private project \(secret.id)"))
            #expect(changed.residual == nil)

            fake.clearCalls()
            try await runner.run(Self.step(.reconcile, grants: grants), for: Self.ada)
            #expect(fake.calls.mutatingCalls.isEmpty, "a repeated reconcile changes nothing")

            // Offboarding: the records go with the membership.
            try await runner.run(Self.step(.removeOrganizationMembership), for: Self.ada)
            #expect(fake.snapshot.accessControls.allSatisfy { $0.organizationMemberID == nil })
        }
    }

    @Test func legacyPrivateProjectsAreDetectedAndReportedForMembers() async throws {
        try await withPostHog { fake, runner, _ in
            let legacy = fake.addProject(name: "legacy", legacyPrivate: true)
            // A joiner's invite carries the legacy project too.
            let (invited, _) = try await runner.run(Self.step(.ensureAccess, "legacy", role: "member"), for: Self.ada)
            #expect(invited.summary.contains("private project(s) \(legacy.id)"))
            #expect(fake.invites.first?.privateProjectAccess == [.init(projectID: legacy.id, level: "member")])

            let grace = Employee(id: "E2", email: "grace@example.com")
            fake.addMember(email: grace.email)
            let (member, _) = try await runner.run(Self.step(.ensureAccess, "legacy", role: "member"), for: grace)
            #expect(member.residual?.contains("legacy private project(s) \(legacy.id)") == true)
            #expect(fake.calls.calls("PUT", path: fake.apiPath(), prefix: true).isEmpty)
        }
    }

    @Test func unreadableAccessControlsCountAsUnknownAndAreReported() async throws {
        try await withPostHog { fake, runner, _ in
            let secret = fake.addProject(name: "secret", isPrivate: true)
            fake.addMember(email: Self.ada.email)
            fake.injectFaults(
                [.status(403)],
                matching: .init(method: "GET", pathPrefix: fake.apiPath("projects/\(secret.id)/access_controls")))
            let (outcome, recorder) = try await runner.run(
                Self.step(.ensureAccess, "secret", role: "member"), for: Self.ada)
            #expect(outcome.residual?.contains("could not be read") == true)
            #expect(recorder.lastState?["project_id.private"] == "unknown")
        }
    }
}

/// A transport that answers one GET path with a canned body and sends everything else on.
final class ListingOverride: VendorTransport {
    let body: String
    let path: String
    let next: any VendorTransport

    init(body: String, path: String, next: any VendorTransport) {
        self.body = body
        self.path = path
        self.next = next
    }

    func send(_ request: VendorRequest) async throws -> VendorResponse {
        if request.method == .get, request.path.hasPrefix(path) {
            return VendorResponse(status: 200, headers: [:], body: Array(body.utf8))
        }
        return try await next.send(request)
    }
}
