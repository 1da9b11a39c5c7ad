import Foundation
import RosterPostgres
import RosterTesting
import Testing

/// Vendor fidelity (issue 13) through the real engine: `roster worker` processes, the mock Kafka
/// cluster, a real Postgres and the PostHog and OpenAI fakes as their published sources behave.
@Suite(.serialized, .timeLimit(.minutes(10)), .requiresPostgres)
struct PostHogFidelityWorkflowTests {
    typealias F = VendorFixture

    /// (a) Someone else's invite carries string levels (as PostHog stores them): the listing
    /// reads, and the leaver's offboarding succeeds instead of dying on a decoding error.
    @Test func anOffboardingSucceedsBesideAStringLevelInvite() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let f = try await VendorFixture(databaseURL: url)
            let secret = f.posthog.addProject(name: "ph-secret", isPrivate: true)
            f.posthog.addInvite(
                email: "someone.else@example.com", privateProjectAccess: [.init(projectID: secret.id, level: "admin")])
            let email = F.email("SL")
            let member = f.posthog.addMember(
                email: email, privateProjects: [.init(projectID: secret.id, level: "member")])
            f.posthog.addInvite(email: email, isExpired: true)
            try await f.ingest.produce([f.event("sl-1", "hr.employee.offboarding", employee: "SL", grants: nil)])
            try await f.run(until: 1)
            #expect(try await f.statuses() == ["succeeded": 1])
            #expect(f.posthog.member(email: email) == nil)
            #expect(f.posthog.invites(email: email).isEmpty)
            #expect(f.posthog.invites(email: "someone.else@example.com").count == 1, "someone else's invite stays")
            #expect(!f.posthog.snapshot.accessControls.contains { $0.organizationMemberID == member.id })
            await f.stop()
        }
    }

    /// (b) The account is stored as `Mixed.Case@Example.com`; the HR event carries the lower-case
    /// address. PostHog's `?email=` misses it; `?search=` finds it, and the offboarding removes it.
    @Test func aMixedCaseMemberIsOffboardedByTheLowerCaseAddress() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let f = try await VendorFixture(databaseURL: url)
            let stored = f.posthog.addMember(email: "Mixed.Case@Example.com", level: 8)
            f.posthog.addPersonalAPIKey(userUUID: stored.user.uuid)
            try await f.ingest.produce([
                (
                    "MC",
                    TestEvents.event(
                        id: "mc-1", type: "hr.employee.offboarding", employee: "MC", email: "mixed.case@example.com",
                        access: nil)
                )
            ])
            try await f.run(until: 1)
            #expect(try await f.statuses() == ["succeeded": 1])
            #expect(!f.posthog.members.contains { $0.user.uuid == stored.user.uuid })
            let searches = f.posthog.calls.calls("GET", path: f.posthog.apiPath("members/")).filter {
                $0.query.contains("search=")
            }
            #expect(!searches.isEmpty)
            let removed = try await f.strings(
                "SELECT count(*)::text FROM audit_log WHERE vendor = 'posthog' AND action = 'remove_organization_member'"
            )
            #expect(removed == ["1"])
            await f.stop()
        }
    }

    /// An OpenAI organization with a user whose `email` is null (allowed by openai-openapi): a
    /// joiner is invited and a leaver removed, the page with that user read every time.
    @Test func anOpenAIUserWithoutAnAddressBreaksNeitherOnboardingNorOffboarding() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let f = try await VendorFixture(databaseURL: url)
            let service = f.openai.addUser(email: nil, name: "Service account")
            let leaver = f.openai.addUser(email: F.email("OL"))
            try await f.ingest.produce([
                f.event("oj-1", employee: "OJ", grants: [("openai", "research-ai", "member")]),
                f.event("ol-1", "hr.employee.offboarding", employee: "OL", grants: nil),
            ])
            try await f.run(until: 2)
            #expect(try await f.statuses() == ["succeeded": 2])
            #expect(f.openai.invites.contains { $0.email == F.email("OJ") && $0.status == .pending })
            #expect(!f.openai.users.contains { $0.id == leaver.id })
            #expect(f.openai.users.contains { $0.id == service.id })
            await f.stop()
        }
    }
}
