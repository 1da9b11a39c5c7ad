import Foundation
import RosterCore
import RosterTesting
import RosterVendors
import Testing

/// Issue 14 for PostHog: a burst of onboardings spends PostHog's rate budget (480/minute,
/// 4,800/hour per personal key) on the calls that change access, not on reads. Counted at the fake.
@Suite struct PostHogDirectoryBurstTests {
    /// What a burst cost, by kind of call.
    struct Counts: CustomStringConvertible {
        var projects = 0
        var accessControls = 0
        var members = 0
        var invites = 0
        var bulk = 0
        var otherMutations = 0

        init(_ fake: FakePostHogServer) {
            let calls = fake.calls
            projects = calls.calls("GET", path: fake.apiPath("projects/")).count
            accessControls =
                calls.calls("GET", path: fake.apiPath("projects/"), prefix: true)
                .filter { $0.path.hasSuffix("/access_controls/") }.count
            members = calls.calls("GET", path: fake.apiPath("members/")).count
            invites = calls.calls("GET", path: fake.apiPath("invites/")).count
            bulk = calls.calls("POST", path: fake.apiPath("invites/bulk/")).count
            otherMutations = calls.mutatingCalls.count - bulk
        }

        var reads: Int { projects + accessControls + members + invites }

        var description: String {
            "GET projects \(projects), access controls \(accessControls), members \(members), invites \(invites) "
                + "(\(reads) reads); POST invites/bulk \(bulk); other mutations \(otherMutations)"
        }
    }

    /// Twelve joiners into one existing private project, each with its `ensure_project` and
    /// `ensure_access` steps, all at once: about one listing per kind, and one invite call each.
    /// (Before the directory: 7 reads per joiner, 84 reads for 12.)
    @Test(arguments: [false, true])
    func aBurstOfJoinersListsOncePerKindAndMakesOneInviteCallEach(batched: Bool) async throws {
        let count = 12
        try await withPostHog { fake, runner, _ in
            let analytics = fake.addProject(name: "analytics", isPrivate: true)
            fake.addProject(name: "web")
            let connector = PostHogConnector(
                organizationID: fake.organizationID,
                baseURL: fake.baseURL!.absoluteString,
                batching: batched ? .init(linger: .milliseconds(300), maxItems: 20) : nil
            )
            let runner = StepRunner(connector: connector, transport: runner.transport)
            let people = employees(count, prefix: "burst")
            try await withThrowingTaskGroup(of: Void.self) { group in
                for person in people {
                    group.addTask {
                        try await runner.run(PostHogConnectorTests.step(.ensureProject, "analytics"), for: person)
                        try await runner.run(
                            PostHogConnectorTests.step(.ensureAccess, "analytics", role: "member"), for: person)
                    }
                }
                try await group.waitForAll()
            }
            let counts = Counts(fake)
            print("posthog burst of \(count) joiners (batched: \(batched)): \(counts)")
            #expect(fake.invites.count == count)
            #expect(
                fake.invites.allSatisfy { $0.privateProjectAccess == [.init(projectID: analytics.id, level: "member")] }
            )
            #expect(counts.otherMutations == 0)
            // One listing per kind: projects, the project's access controls, members, invites.
            #expect(counts.projects == 1)
            #expect(counts.accessControls == 1)
            #expect(counts.members == 1)
            #expect(counts.invites == 1)
            // One invite call per joiner; fewer when batched (shared bulk calls).
            if batched {
                #expect(counts.bulk >= 1 && counts.bulk <= count)
            } else {
                #expect(counts.bulk == count)
            }
        }
    }
}
