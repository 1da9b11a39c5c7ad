import Foundation
import RosterCore
import RosterTesting
import RosterVendors
import Synchronization
import Testing

/// ``PostHogConnector``'s directory (issue 14) against the fake PostHog server: what a stale
/// directory may and may not do. Within its time to live a listing is believed; past it, or when
/// a step's freshness asks for newer, it is listed again; a leaver's and a resumed step always
/// read listings started after they began; and a vendor answer that contradicts it lists again.
@Suite struct PostHogDirectoryTests {
    static let ada = Employee(id: "E1", email: "ada@example.com", name: "Ada")
    static let grace = Employee(id: "E2", email: "grace@example.com", name: "Grace")

    static func step(_ action: VendorStep.Action, _ project: String? = nil, role: String? = nil) -> VendorStep {
        VendorStep(vendor: "posthog", action: action, project: project, role: role)
    }

    /// A wall clock that tests move forward (never behind the real one, so the engine's freshness
    /// floors, taken from the real clock, stay comparable).
    final class TestClock: Sendable {
        private let offset = Mutex<TimeInterval>(0)

        func now() -> Date { Date().addingTimeInterval(offset.withLock { $0 }) }

        func advance(by seconds: TimeInterval) { offset.withLock { $0 += seconds } }
    }

    /// A runner for a connector of its own (a process of its own) over `fake`.
    static func runner(
        _ fake: FakePostHogServer, _ transport: HTTPVendorTransport, batched: Bool = false,
        clock: TestClock = TestClock()
    ) -> StepRunner {
        let connector = PostHogConnector(
            organizationID: fake.organizationID,
            baseURL: fake.baseURL!.absoluteString,
            batching: batched ? .init(linger: .milliseconds(50), maxItems: 20) : nil,
            directoryTimeToLive: 300,
            directoryClock: { clock.now() }
        )
        return StepRunner(connector: connector, transport: transport)
    }

    /// Bulk invite calls whose body names `email`.
    static func bulkCalls(_ fake: FakePostHogServer, naming email: String) -> [FakeCall] {
        fake.calls.calls("POST", path: fake.apiPath("invites/bulk/")).filter { ($0.body ?? "").contains(email) }
    }

    // MARK: - (b) Changes behind Roster's back are seen on the next refresh

    @Test func aMemberRemovedBehindRostersBackIsFoundGoneAfterTheTimeToLiveOrAFreshnessFloor() async throws {
        try await withPostHog { fake, plain, _ in
            fake.addProject(name: "web")
            let member = fake.addMember(email: Self.ada.email, level: 1)
            let clock = TestClock()
            let runner = Self.runner(fake, plain.transport, clock: clock)
            let (first, _) = try await runner.run(Self.step(.ensureAccess, "web", role: "member"), for: Self.ada)
            #expect(first.summary == "already a member as member")

            // Removed in PostHog's console. Within the time to live the listing is believed (the
            // documented cost of not listing per job; a leaver's step never relies on it).
            try fake.withState { (state: inout FakePostHogState) throws -> Void in
                try state.deleteMember(uuid: member.user.uuid)
            }
            fake.clearCalls()
            let (stale, _) = try await runner.run(Self.step(.ensureAccess, "web", role: "member"), for: Self.ada)
            #expect(stale.summary == "already a member as member")
            #expect(fake.calls.isEmpty, "believed from the directory: no call at all")

            // Past the time to live: the member listing is listed again and the person invited.
            clock.advance(by: 301)
            let (refreshed, _) = try await runner.run(Self.step(.ensureAccess, "web", role: "member"), for: Self.ada)
            #expect(refreshed.summary.hasPrefix("invited as member"))
            #expect(fake.invites(email: Self.ada.email).count == 1)
            #expect(fake.calls.calls("GET", path: fake.apiPath("members/")).count == 1)

            // A freshness floor does the same within the time to live: Grace's membership, removed
            // by an earlier job of hers in another process, is not believed from an older listing.
            let graceMember = fake.addMember(email: Self.grace.email, level: 1)
            clock.advance(by: 301)
            _ = try await runner.run(Self.step(.ensureAccess, "web", role: "member"), for: Self.grace)
            try fake.withState { (state: inout FakePostHogState) throws -> Void in
                try state.deleteMember(uuid: graceMember.user.uuid)
            }
            // (The engine's clock is the directory's here: the floor is read from the test clock.)
            let recorder = StepRecorder()
            let outcome = try await runner.connector.run(
                Self.step(.ensureAccess, "web", role: "member"),
                for: Self.grace,
                context: recorder.context(
                    transport: plain.transport,
                    freshness: DirectoryFreshness(notBefore: clock.now(), reason: .earlierJob)
                )
            )
            #expect(outcome.summary.hasPrefix("invited as member"))
            #expect(fake.invites(email: Self.grace.email).count == 1)
        }
    }

    // MARK: - (c) A contradiction lists again instead of creating twice

    @Test(arguments: [false, true])
    func anInviteRefusedAsAlreadyAMemberListsAgainAndSucceedsWithoutASecondCreate(batched: Bool) async throws {
        try await withPostHog { fake, plain, _ in
            fake.addProject(name: "web")
            let runner = Self.runner(fake, plain.transport, batched: batched)
            // Grace's onboarding loads the member and invite listings.
            _ = try await runner.run(Self.step(.ensureAccess, "web", role: "member"), for: Self.grace)
            #expect(fake.invites(email: Self.grace.email).count == 1)

            // Ada joins the organization in PostHog's console: the directory does not know.
            fake.addMember(email: Self.ada.email, level: 8)
            fake.clearCalls()
            let (outcome, recorder) = try await runner.run(
                Self.step(.ensureAccess, "web", role: "member"), for: Self.ada)
            // PostHog refused the invite (400, "already belongs to the organization",
            // posthog/api/organization_invite.py); the step listed again and found the member.
            #expect(outcome.summary == "already a member as admin")
            #expect(Self.bulkCalls(fake, naming: Self.ada.email).map(\.status) == [400], "one create, refused")
            #expect(fake.invites(email: Self.ada.email).isEmpty)
            #expect(recorder.audits.isEmpty)
            #expect(recorder.lastState?["user_uuid"] == fake.member(email: Self.ada.email)?.user.uuid)
        }
    }

    // MARK: - (d) A resumed step after a create that applied but answered 503

    @Test(arguments: [false, true])
    func aResumedStepAfterAnInviteThatAppliedButAnswered503MakesNoSecondCreate(batched: Bool) async throws {
        try await withPostHog { fake, plain, _ in
            fake.addProject(name: "web")
            // Two processes: A makes the first attempt, B (whose directory was loaded before A's
            // create) the second, as the engine may hand a retried job to another worker.
            let processA = Self.runner(fake, plain.transport, batched: batched)
            let processB = Self.runner(fake, plain.transport, batched: batched)
            _ = try await processB.run(Self.step(.ensureAccess, "web", role: "member"), for: Self.grace)

            fake.injectFaults(
                [.statusAfterApplying(503)], matching: .init(method: "POST", pathPrefix: fake.apiPath("invites")))
            let first = await processA.failure(Self.step(.ensureAccess, "web", role: "member"), for: Self.ada)
            #expect(first.error?.status == 503)
            #expect(first.error?.isRetryable == true)
            #expect(fake.invites(email: Self.ada.email).count == 1, "the 503 came after the invite was made")

            // B's invite listing predates the invite; attempt 2 must not believe it.
            fake.clearCalls()
            let (outcome, recorder) = try await processB.run(
                Self.step(.ensureAccess, "web", role: "member"),
                for: Self.ada,
                state: first.recorder.lastState ?? StepState(),
                attempt: 2
            )
            let invite = try #require(fake.invites(email: Self.ada.email).first)
            #expect(outcome.summary == "invite \(invite.id) already pending")
            #expect(fake.calls.mutatingCalls.isEmpty, "no second create")
            #expect(fake.calls.calls("GET", path: fake.apiPath("invites/")).count == 1, "listed anew")
            #expect(recorder.lastState?["invite_id"] == invite.id)
        }
    }

    // MARK: - (e) A leaver's step never relies on an older listing

    @Test func aLeaversStepFindsInvitesMadeBehindTheDirectorysBackAndReplacedOnes() async throws {
        try await withPostHog { fake, plain, _ in
            let analytics = fake.addProject(name: "analytics", isPrivate: true)
            let finance = fake.addProject(name: "finance", isPrivate: true)
            let runner = Self.runner(fake, plain.transport)
            // Roster invites Ada, then grows her invite: PostHog replaces it under a new id, and
            // the directory follows (no lost grant: the first project is still found granted).
            _ = try await runner.run(Self.step(.ensureAccess, "analytics", role: "member"), for: Self.ada)
            let first = try #require(fake.invites(email: Self.ada.email).first)
            _ = try await runner.run(Self.step(.ensureAccess, "finance", role: "member"), for: Self.ada)
            let second = try #require(fake.invites(email: Self.ada.email).first)
            #expect(second.id != first.id)
            fake.clearCalls()
            let (again, _) = try await runner.run(Self.step(.ensureAccess, "analytics", role: "member"), for: Self.ada)
            #expect(again.summary == "invite \(second.id) already pending")
            #expect(fake.calls.isEmpty)

            // Someone re-invites Ada in PostHog's console (the invite is replaced by a new id) and
            // invites Grace; the directory knows neither.
            let console = try fake.withState { (state: inout FakePostHogState) throws -> FakePostHogState.Invite in
                try state.createInvite(
                    .init(
                        targetEmail: Self.ada.email,
                        privateProjectAccess: [.init(projectID: finance.id, level: "admin")]))
            }
            fake.addInvite(
                email: Self.grace.email, privateProjectAccess: [.init(projectID: analytics.id, level: "member")])

            for leaver in [Self.ada, Self.grace] {
                _ = try await runner.run(Self.step(.revokeInvites), for: leaver)
            }
            #expect(fake.invites.isEmpty, "no leaver's invite survives")
            let deletes = fake.calls.calls("DELETE", path: fake.apiPath("invites/"), prefix: true).map(\.path)
            #expect(deletes.contains(fake.apiPath("invites/\(console.id)/")))
            #expect(!deletes.contains(fake.apiPath("invites/\(second.id)/")), "the replaced invite is not chased")
            #expect(
                fake.calls.calls("GET", path: fake.apiPath("invites/")).count == 2, "each leaver's step listed anew")
        }
    }
}
