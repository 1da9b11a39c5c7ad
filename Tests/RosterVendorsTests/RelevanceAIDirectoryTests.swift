import Foundation
import RosterCore
import RosterTesting
import RosterVendors
import Synchronization
import Testing

/// The Relevance AI connector reading through its directory (issue 14): what a burst costs at the
/// fake, what the time to live hides and for how long, and the steps that must not trust it.
@Suite struct RelevanceAIDirectoryTests {
    /// A clock that runs with the wall clock and can be moved ahead (never behind it, so that a
    /// step's "listed after I started" still compares with real start times).
    final class MovableClock: Sendable {
        private let offset = Mutex<TimeInterval>(0)
        func now() -> Date { Date().addingTimeInterval(offset.withLock { $0 }) }
        func advance(by seconds: TimeInterval) { offset.withLock { $0 += seconds } }
    }

    /// Requests per path at the fake.
    static func counts(_ log: FakeCallLog) -> [String: Int] {
        var counts: [String: Int] = [:]
        for call in log.calls { counts[call.path.replacingOccurrences(of: "/latest", with: ""), default: 0] += 1 }
        return counts
    }

    @Test func aBurstOfOnboardingsListsOncePerKind() async throws {
        let people = (1...20).map(employee)
        func onboard(_ driver: (Int) -> StepDriver<RelevanceAIConnector>) async throws {
            for (index, person) in people.enumerated() {
                try await driver(index).run(.ensureProject, project: "research", for: person)
                try await driver(index).run(.ensureAccess, project: "research", role: "editor", for: person)
            }
        }
        // Before: a new connector (and directory) for every step, as every step looked for itself
        // before issue 14.
        var before: [String: Int] = [:]
        let fake = FakeRelevanceAIServer()
        let baseURL = try await fake.start()
        fake.addProject(name: "research")
        for index in 1...30 { fake.addMember(email: "someone\(index)@example.com", projectID: fake.defaultProjectID) }
        do {
            try await onboard { _ in relevanceDriver(fake, baseURL: baseURL) }
            before = Self.counts(fake.calls)
            await fake.stop()
        } catch {
            await fake.stop()
            throw error
        }
        try await withFakeRelevance { fake, driver in
            let research = fake.addProject(name: "research")
            for index in 1...30 {
                fake.addMember(email: "someone\(index)@example.com", projectID: fake.defaultProjectID)
            }
            try await onboard { _ in driver }
            let after = Self.counts(fake.calls)
            print(
                "relevance burst of \(people.count) onboardings, requests per path: before \(before.sorted { $0.key < $1.key }) after \(after.sorted { $0.key < $1.key })"
            )
            let reads = after.filter { $0.key.hasSuffix("/list") }.values.reduce(0, +)
            let mutations = after.filter { !$0.key.hasSuffix("/list") }.values.reduce(0, +)
            let readsBefore = before.filter { $0.key.hasSuffix("/list") }.values.reduce(0, +)
            print(
                "relevance requests per applied mutation: before \(Double(readsBefore + mutations) / Double(mutations)) after \(Double(reads + mutations) / Double(mutations))"
            )
            #expect(after["/auth/invite/create"] == people.count, "one mutation per person")
            #expect(after["/projects/list"] == 1)
            #expect(after["/auth/invite/list"] == 1)
            // The first lookup searches (a lone lookup is cheapest filtered), misses, and lists the
            // project's users to compare addresses ignoring case; every later one reads that listing.
            #expect(after["/auth/users/list"] == 2)
            #expect(fake.invites(in: research.id).count == people.count)
            #expect((before["/auth/users/list"] ?? 0) >= 2 * people.count, "the measure is of the old per-job reads")
        }
    }

    @Test func aMemberRemovedBehindRostersBackIsSeenAfterTheTimeToLive() async throws {
        let clock = MovableClock()
        try await withFakeRelevance(now: { clock.now() }) { fake, driver in
            let research = fake.addProject(name: "research")
            let ada = employee(1)
            fake.addMember(email: ada.email, projectID: research.id, action: "role:editor")
            for person in [ada, employee(2), employee(3)] {
                try await driver.run(.ensureAccess, project: "research", role: "editor", for: person)
            }
            // Someone removes ada in Relevance AI's interface: no directory knows.
            let adaID = try #require(fake.user(email: ada.email)).id
            let console = RelevanceAIClient(transport: driver.transport, apiKey: fake.apiKey)
            try await console.removeUser(id: adaID, project: research.id)
            fake.clearCalls()
            let stale = try await driver.run(.ensureAccess, project: "research", role: "editor", for: ada)
            #expect(stale.summary.contains("already"), "within the time to live the directory is believed")
            #expect(fake.calls.isEmpty)

            clock.advance(by: 301)
            let outcome = try await driver.run(.ensureAccess, project: "research", role: "editor", for: ada)
            #expect(outcome.summary.contains("invited"))
            #expect(fake.calls.calls("POST", path: "/latest/auth/invite/create").count == 1)
            // An organisation user: auto-accepted.
            #expect(fake.actions(of: ada.email, in: research.id) == ["role:editor"])
        }
    }

    @Test func aResumedStepAfterALostCreateAnswerMakesNoSecondCreate() async throws {
        try await withFakeRelevance { fake, driver in
            let ada = employee(1)
            fake.addProject(name: "research")
            // Warm the directory: the project and its invites are listed, without ada's invite.
            try await driver.run(.ensureAccess, project: "research", role: "viewer", for: employee(2))
            fake.injectFaults(
                [.statusAfterApplying(503)],
                matching: FakeRequestMatcher(method: "POST", pathPrefix: "/latest/auth/invite/create")
            )
            let error = await expectVendorError {
                try await driver.run(.ensureAccess, project: "research", role: "editor", for: ada)
            }
            #expect(error?.isRetryable == true)
            let outcome = try await driver.run(.ensureAccess, project: "research", role: "editor", for: ada, attempt: 2)
            #expect(outcome.summary.contains("pending"))
            // Employee 2's and ada's one.
            #expect(fake.calls.calls("POST", path: "/latest/auth/invite/create").count == 2)
            #expect(fake.traces(of: ada.email).invites == 1)
        }
    }

    @Test func aLeaversStepFindsAnInviteCreatedBehindTheDirectorysBack() async throws {
        try await withFakeRelevance { fake, driver in
            let research = fake.addProject(name: "research")
            let leaver = employee(9)
            for person in (1...3).map(employee) {
                try await driver.run(.ensureAccess, project: "research", role: "viewer", for: person)
            }
            // Someone invites the leaver in Relevance AI's interface: no directory knows.
            fake.addInvite(email: leaver.email, projectID: research.id)
            let outcome = try await driver.run(.revokeInvites, for: leaver)
            #expect(outcome.residual == nil)
            #expect(outcome.summary.contains("revoked invite"))
            #expect(fake.traces(of: leaver.email).invites == 0)
        }
    }

    @Test func aGrantForAnotherVendorIsRefusedNotDropped() async throws {
        try await withFakeRelevance { fake, driver in
            let ada = employee(1)
            let research = fake.addProject(name: "research")
            fake.addMember(email: ada.email, projectID: research.id, action: "role:editor")
            let grants = [
                AccessGrant(vendor: "relevance", project: "research", role: "editor"),
                AccessGrant(vendor: "openai", project: "research", role: "member"),
            ]
            let error = await expectVendorError { try await driver.run(.reconcile, grants: grants, for: ada) }
            #expect(error?.classification == .permanent)
            #expect(error?.message.contains("openai") == true)
            #expect(fake.calls.isEmpty)
            #expect(fake.actions(of: ada.email, in: research.id) == ["role:editor"])
        }
    }
}
