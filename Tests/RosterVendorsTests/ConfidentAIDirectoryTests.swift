import Foundation
import RosterCore
import RosterTesting
import RosterVendors
import Testing

/// The Confident AI connector reading through its directory (issue 14): what a burst costs at the
/// fake, what the time to live hides and for how long, and the steps that must not trust it.
@Suite struct ConfidentAIDirectoryTests {
    typealias MovableClock = RelevanceAIDirectoryTests.MovableClock

    /// Requests per `METHOD path` at the fake, ids replaced by `{id}`.
    static func counts(_ log: FakeCallLog) -> [String: Int] {
        var counts: [String: Int] = [:]
        for call in log.calls {
            var parts = call.path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            for index in parts.indices.dropFirst()
            where ["projects", "invitations", "members"].contains(parts[index - 1])
                && !["invitations", "members", "roles"].contains(parts[index])
            {
                parts[index] = "{id}"
            }
            counts["\(call.method) \(parts.joined(separator: "/"))", default: 0] += 1
        }
        return counts
    }

    static func reads(_ counts: [String: Int]) -> Int { counts.filter { $0.key.hasPrefix("GET ") }.values.reduce(0, +) }
    static func mutations(_ counts: [String: Int]) -> Int {
        counts.filter { !$0.key.hasPrefix("GET ") }.values.reduce(0, +)
    }

    static func report(_ label: String, before: [String: Int], after: [String: Int]) {
        print(
            "confident \(label), requests per path: before \(before.sorted { $0.key < $1.key }) after \(after.sorted { $0.key < $1.key })"
        )
        let perMutation = { (counts: [String: Int]) in
            Double(reads(counts) + mutations(counts)) / Double(max(1, mutations(counts)))
        }
        print(
            "confident \(label), requests per applied mutation: before \(perMutation(before)) after \(perMutation(after))"
        )
    }

    @Test func aBurstOfJoinersWhoAreMembersListsOncePerKind() async throws {
        let people = (1...20).map(employee)
        func seed(_ fake: FakeConfidentAIServer) throws {
            _ = try fake.addProject(name: "research")
            for person in people { fake.addMember(email: person.email) }
        }
        func onboard(_ driver: () -> StepDriver<ConfidentAIConnector>) async throws {
            for person in people {
                try await driver().run(.ensureProject, project: "research", for: person)
                try await driver().run(.ensureAccess, project: "research", role: "Member", for: person)
            }
        }
        // Before: a new connector (and directory) for every step, as every step looked for itself
        // before issue 14.
        let fake = FakeConfidentAIServer()
        let baseURL = try await fake.start()
        var before: [String: Int] = [:]
        do {
            try seed(fake)
            try await onboard { confidentDriver(fake, baseURL: baseURL) }
            before = Self.counts(fake.calls)
            await fake.stop()
        } catch {
            await fake.stop()
            throw error
        }
        try await withFakeConfident { fake, driver in
            try seed(fake)
            try await onboard { driver }
            let after = Self.counts(fake.calls)
            Self.report("burst of \(people.count) joiners (members) into one project", before: before, after: after)
            #expect(after["POST /v1/projects/{id}/invitations"] == people.count, "one mutation per person")
            for read in [
                "GET /v1/projects", "GET /v1/organization/members", "GET /v1/projects/{id}/roles",
                "GET /v1/projects/{id}/members", "GET /v1/projects/{id}/invitations",
            ] {
                #expect(after[read] == 1, "\(read): \(after[read] ?? 0)")
            }
            #expect(after["GET /v1/organization/invitations"] == nil, "members need no organization invitation")
            #expect(Self.mutations(after) == people.count)
            let research = try #require(fake.project(named: "research"))
            #expect(fake.invitations(projectID: research.id).filter(\.isPending).count == people.count)
            #expect(
                (before["GET /v1/projects/{id}/roles"] ?? 0) >= people.count, "the measure is of the old per-job reads")
        }
    }

    @Test func aBatchedBurstIsFedFromTheDirectory() async throws {
        let members = (1...10).map(employee)
        let newcomers = (11...20).map(employee)
        try await withFakeConfident(batching: .init(linger: .milliseconds(100), maxItems: 50)) { fake, driver in
            _ = try fake.addProject(name: "research")
            for person in members { fake.addMember(email: person.email) }
            try await driver.run(.ensureProject, project: "research", for: members[0])
            let waited = try await withThrowingTaskGroup(of: Bool.self) { group in
                for person in members + newcomers {
                    group.addTask {
                        do {
                            try await driver.run(.ensureAccess, project: "research", role: "Member", for: person)
                            return false
                        } catch is AwaitingAcceptance {
                            return true
                        }
                    }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(waited == newcomers.count)
            let after = Self.counts(fake.calls)
            let applied = members.count + newcomers.count  // one invitation each
            print(
                "confident batched burst of \(members.count) members and \(newcomers.count) newcomers, requests per path: \(after.sorted { $0.key < $1.key }); "
                    + "requests per applied invitation: \(Double(Self.reads(after) + Self.mutations(after)) / Double(applied))"
            )
            for read in [
                "GET /v1/projects", "GET /v1/organization/members", "GET /v1/organization/invitations",
                "GET /v1/organization/roles", "GET /v1/projects/{id}/roles", "GET /v1/projects/{id}/members",
                "GET /v1/projects/{id}/invitations",
            ] {
                #expect(after[read] == 1, "\(read): \(after[read] ?? 0) (a flush reads the directory, not the vendor)")
            }
            let orgPosts = after["POST /v1/organization/invitations"] ?? 0
            let projectPosts = after["POST /v1/projects/{id}/invitations"] ?? 0
            #expect(orgPosts >= 1 && orgPosts <= 2)
            #expect(projectPosts >= 1 && projectPosts <= 2)
            let research = try #require(fake.project(named: "research"))
            #expect(fake.invitations(projectID: research.id).filter(\.isPending).count == members.count)
            #expect(fake.invitations(projectID: nil).filter(\.isPending).count == newcomers.count)
        }
    }

    @Test func aMemberRemovedBehindRostersBackIsSeenAfterTheTimeToLive() async throws {
        let clock = MovableClock()
        try await withFakeConfident(now: { clock.now() }) { fake, driver in
            let research = try fake.addProject(name: "research")
            let ada = employee(1)
            let user = fake.addMember(email: ada.email)
            fake.addProjectMember(projectID: research.id, userID: user.id, role: "Member")
            for person in [employee(2), employee(3)] { fake.addMember(email: person.email) }
            for person in [ada, employee(2), employee(3)] {
                try await driver.run(.ensureAccess, project: "research", role: "Member", for: person)
            }
            // Someone removes ada from the project in Confident AI's interface: no directory knows.
            try fake.withState { state in try state.removeProjectMember(projectID: research.id, userID: user.id) }
            fake.clearCalls()
            let stale = try await driver.run(.ensureAccess, project: "research", role: "Member", for: ada)
            #expect(stale.summary.contains("already"), "within the time to live the directory is believed")
            #expect(fake.calls.isEmpty)

            clock.advance(by: 301)
            let outcome = try await driver.run(.ensureAccess, project: "research", role: "Member", for: ada)
            #expect(outcome.summary.contains("invited to \(research.id)"))
            #expect(fake.calls.calls("POST", path: "/v1/projects/\(research.id)/invitations").count == 1)
            #expect(
                fake.calls.calls("GET", path: "/v1/projects/\(research.id)/members").count == 1, "listed again once")
            #expect(fake.pendingInvitations(email: ada.email).map(\.projectID) == [research.id])
        }
    }

    @Test func aResumedStepAfterALostCreateAnswerMakesNoSecondCreate() async throws {
        try await withFakeConfident { fake, driver in
            let ada = employee(1)
            let research = try fake.addProject(name: "research")
            fake.addMember(email: ada.email)
            fake.addMember(email: employee(2).email)
            // Warm the directory: the projects and the project's invitations are listed, without ada's.
            try await driver.run(.ensureAccess, project: "research", role: "Member", for: employee(2))

            // A project invitation that Confident AI made but whose answer was lost.
            fake.injectFaults(
                [.statusAfterApplying(503)],
                matching: FakeRequestMatcher(method: "POST", pathPrefix: "/v1/projects/\(research.id)/invitations")
            )
            let error = await expectVendorError {
                try await driver.run(.ensureAccess, project: "research", role: "Member", for: ada)
            }
            #expect(error?.isRetryable == true)
            let outcome = try await driver.run(.ensureAccess, project: "research", role: "Member", for: ada, attempt: 2)
            #expect(outcome.summary.contains("pending"))
            // Employee 2's and ada's one.
            #expect(fake.calls.calls("POST", path: "/v1/projects/\(research.id)/invitations").count == 2)
            #expect(fake.pendingInvitations(email: ada.email).count == 1)

            // A project Confident AI made but whose answer was lost.
            fake.injectFaults(
                [.statusAfterApplying(503)], matching: FakeRequestMatcher(method: "POST", pathPrefix: "/v1/projects"))
            let createError = await expectVendorError {
                try await driver.run(.ensureProject, project: "evals", for: ada)
            }
            #expect(createError?.isRetryable == true)
            let resumed = try await driver.run(.ensureProject, project: "evals", for: ada, attempt: 2)
            #expect(resumed.summary.hasSuffix("exists"))
            #expect(fake.calls.calls("POST", path: "/v1/projects").count == 1)
            #expect(fake.projects.filter { $0.name == "evals" }.count == 1)
        }
    }

    @Test func aLeaversStepFindsAnInvitationCreatedBehindTheDirectorysBack() async throws {
        try await withFakeConfident { fake, driver in
            let research = try fake.addProject(name: "research")
            let leaver = employee(9)
            for person in (1...3).map(employee) { fake.addMember(email: person.email) }
            for person in (1...3).map(employee) {
                try await driver.run(.ensureAccess, project: "research", role: "Member", for: person)
            }
            // A newcomer's step lists the organization's invitations too.
            await #expect(throws: AwaitingAcceptance.self) {
                try await driver.run(.ensureAccess, project: "research", role: "Member", for: employee(4))
            }
            // Someone invites the leaver in Confident AI's interface: no directory knows.
            fake.addInvitation(email: leaver.email, role: "Member")
            fake.addInvitation(email: leaver.email, projectID: research.id, role: "Viewer")
            let outcome = try await driver.run(.revokeInvites, for: leaver)
            #expect(outcome.residual == nil)
            #expect(outcome.summary == "revoked 2 invitation(s)")
            #expect(fake.pendingInvitations(email: leaver.email).isEmpty)
        }
    }

    @Test func aRecheckOfSomeoneInvitedSeesTheirAcceptanceWithinTheTimeToLive() async throws {
        try await withFakeConfident { fake, driver in
            let research = try fake.addProject(name: "research")
            let ada = employee(1)
            fake.addMember(email: employee(2).email)
            await #expect(throws: AwaitingAcceptance.self) {
                try await driver.run(.ensureAccess, project: "research", role: "Member", for: ada)
            }
            let waiting = driver.lastState
            #expect(waiting["org_invited_at"] != nil)
            try await driver.run(.ensureAccess, project: "research", role: "Member", for: employee(2))

            // Ada accepts behind Roster's back; the member listing held (made before) cannot show it.
            try fake.acceptInvitation(email: ada.email)
            fake.clearCalls()
            await #expect(
                throws: AwaitingAcceptance.self, "a new job within the time to live believes the held listing"
            ) {
                try await driver.run(.ensureAccess, project: "research", role: "Member", for: ada)
            }
            #expect(fake.calls.isEmpty)
            #expect(fake.calls.calls("POST", path: "/v1/organization/invitations").isEmpty)

            // The re-check of the waiting step (its state shows `org_invited_at`) lists members anew.
            let outcome = try await driver.run(
                .ensureAccess, project: "research", role: "Member", for: ada, state: waiting)
            #expect(outcome.summary.contains("invited to \(research.id)"))
            #expect(fake.calls.calls("GET", path: "/v1/organization/members").count == 1)
        }
    }
}
