import Foundation
import RosterPostgres
import RosterTesting
import Testing

/// The workflow engine end to end: `roster worker` processes (ingest + executor), the mock Kafka
/// cluster, a real Postgres and the fake OpenAI Admin API over real HTTP.
@Suite(.serialized, .timeLimit(.minutes(10)), .requiresPostgres)
struct ExecutionTests {
    static let projects = ["alpha", "beta", "gamma"]

    @Test func onboardingTwentyIntoThreeProjectsInvitesEachOnceAndARerunChangesNothing() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let f = try await ExecutionFixture(databaseURL: url)
            let existing = f.fake.addProject(name: "alpha")
            let events = (0..<20).map { i in
                f.onboarding(
                    "on-\(i)", employee: "N\(i)", grants: [(Self.projects[i % 3], i % 2 == 0 ? "member" : "owner")])
            }
            try await f.ingest.produce(events)
            let worker = try f.ingest.startWorker(executor: true)
            try await f.waitForJobsToFinish(20)
            #expect(try await f.jobStatuses() == ["succeeded": 20])

            let projects = f.fake.projects.filter { Self.projects.contains($0.name) }
            #expect(projects.map(\.name).sorted() == Self.projects, "every project exists once")
            #expect(projects.first { $0.name == "alpha" }?.id == existing.id, "the existing project is reused")
            let invites = f.fake.invites.filter { $0.status == .pending }
            #expect(invites.count == 20)
            #expect(Set(invites.map { $0.email.lowercased() }).count == 20, "every employee is invited once")
            for i in 0..<20 {
                let invite = invites.first { $0.email.lowercased() == "n\(i)@example.com" }
                let project = projects.first { $0.name == Self.projects[i % 3] }
                #expect(invite?.projects?.map(\.projectID) == [project?.id].compactMap { $0 })
                #expect(invite?.projects?.first?.role == (i % 2 == 0 ? "member" : "owner"))
            }

            // Re-run the same jobs from the start: look-before-act finds everything done.
            let mutationsBefore = f.mutations
            _ = try await f.ingest.pool.execute("UPDATE job_steps SET status = 'pending', state = '{}'")
            _ = try await f.ingest.pool.execute(
                "UPDATE jobs SET status = 'queued', finished_at = NULL, run_after = now()")
            try await f.waitForJobsToFinish(20)
            #expect(try await f.jobStatuses() == ["succeeded": 20])
            #expect(f.mutations == mutationsBefore, "re-running changes nothing at the vendor")
            worker.kill(SIGTERM)
            #expect(await worker.waitForExit() == 0)
            await f.stop()
        }
    }

    @Test func offboardingRemovesInvitesKeysAndMembershipsKeysFirst() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let f = try await ExecutionFixture(databaseURL: url)
            let user = f.fake.addUser(email: "leaver@example.com")
            let p1 = f.fake.addProject(name: "one")
            let p2 = f.fake.addProject(name: "two")
            _ = try f.fake.addProjectMember(projectID: p1.id, userID: user.id)
            _ = try f.fake.addProjectMember(projectID: p2.id, userID: user.id)
            _ = try f.fake.addAPIKey(projectID: p1.id, name: "k1", ownerUserID: user.id)
            _ = try f.fake.addAPIKey(projectID: p2.id, name: "k2", ownerUserID: user.id)
            _ = try f.fake.addAPIKey(projectID: p2.id, name: "service", ownerUserID: nil)
            _ = f.fake.addInvite(email: "leaver@example.com", role: "reader", status: .pending, projects: [])
            try await f.ingest.produce([
                (
                    "LEAVER",
                    TestEvents.event(
                        id: "off-1", type: "hr.employee.offboarding", employee: "LEAVER", email: "leaver@example.com",
                        access: nil)
                )
            ])
            let worker = try f.ingest.startWorker(executor: true)
            try await f.waitForJobsToFinish(1)
            #expect(try await f.jobStatuses() == ["succeeded": 1])

            #expect(!f.fake.users.contains { $0.email == "leaver@example.com" })
            #expect(!f.fake.invites.contains { $0.email == "leaver@example.com" && $0.status == .pending })
            #expect(f.fake.members(of: p1.id).isEmpty && f.fake.members(of: p2.id).isEmpty)
            #expect(f.fake.apiKeys(in: p1.id).isEmpty)
            #expect(f.fake.apiKeys(in: p2.id).map(\.name) == ["service"], "only the service account's key is left")
            let deletes = f.fake.calls.mutatingCalls.filter { $0.method == "DELETE" }.map(\.path)
            let lastKey = deletes.lastIndex { $0.contains("/api_keys/") }
            let firstMembership = deletes.firstIndex { $0.contains("/users/") && $0.contains("/projects/") }
            #expect(
                lastKey != nil && firstMembership != nil && lastKey! < firstMembership!,
                "keys go before memberships: \(deletes)")
            let audit = try await f.ingest.count("SELECT count(*) FROM audit_log WHERE employee_id = 'LEAVER'")
            #expect(audit >= 6, "every mutation is audited")
            worker.kill(SIGTERM)
            #expect(await worker.waitForExit() == 0)
            await f.stop()
        }
    }

    @Test func workerKilledMidJobResumesWithoutRepeatingAMutation() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let f = try await ExecutionFixture(databaseURL: url)
            try await f.ingest.produce([
                f.onboarding("multi", employee: "M1", grants: [("p1", "member"), ("p2", "member"), ("p3", "owner")])
            ])
            // Killed right after the second vendor mutation succeeded, before it was checkpointed.
            let doomed = try f.ingest.startWorker(failpoint: "after_vendor_call@2", executor: true)
            _ = await doomed.waitForExit(timeout: .seconds(60))
            #expect(doomed.wasSignalled, "\(doomed.output().suffix(1000))")
            // Killed right after a vendor mutation, before its checkpoint: the crash window.
            #expect(!f.mutations.isEmpty)
            // The lease (30 s) would hand the job over; shorten the wait for the test.
            _ = try await f.ingest.pool.execute("UPDATE jobs SET lease_expires_at = now() WHERE status = 'running'")
            let worker = try f.ingest.startWorker(executor: true)
            try await f.waitForJobsToFinish(1)
            #expect(try await f.jobStatuses() == ["succeeded": 1])
            let all = f.mutations
            #expect(Set(all).count == all.count, "no mutating call repeated: \(all)")
            #expect(f.fake.projects.filter { ["p1", "p2", "p3"].contains($0.name) }.count == 3)
            #expect(f.fake.invites.filter { $0.status == .pending }.count == 1)
            worker.kill(SIGTERM)
            #expect(await worker.waitForExit() == 0)
            await f.stop()
        }
    }

    @Test func aStormOf503sIsRetriedAndA401IsDeadAtOnce() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let f = try await ExecutionFixture(databaseURL: url)
            let worker = try f.ingest.startWorker(executor: true)
            // The worker's start-up vendor check reads once; the storm is for the job's calls.
            try await f.ingest.waitUntil("the start-up vendor check") { f.fake.calls.calls.count >= 1 }
            f.fake.injectFaults(Array(repeating: .status(503), count: 5))
            try await f.ingest.produce([f.onboarding("storm", employee: "S1", grants: [("alpha", "member")])])
            try await f.waitForJobsToFinish(1, workers: [worker])
            #expect(try await f.jobStatuses() == ["succeeded": 1])
            // The storm hits the first step: five failed attempts and the one that worked.
            #expect(try await f.ingest.count("SELECT count(*) FROM step_attempts WHERE position = 0") == 6)
            #expect(
                try await f.ingest.count(
                    "SELECT count(*) FROM step_attempts WHERE outcome = 'retry' AND http_status = 503") == 5)
            worker.kill(SIGTERM)
            #expect(await worker.waitForExit() == 0)
            await f.stop()
        }
        try await TestDatabase.withFreshDatabase { url in
            let f = try await ExecutionFixture(databaseURL: url, key: "sk-admin-wrong")
            try await f.ingest.produce([f.onboarding("denied", employee: "D1", grants: [("alpha", "member")])])
            let worker = try f.ingest.startWorker(executor: true)
            try await f.waitForJobsToFinish(1)
            #expect(try await f.jobStatuses() == ["dead": 1])
            #expect(try await f.ingest.count("SELECT count(*) FROM step_attempts") == 1)
            let cause =
                try await f.ingest.pool.query("SELECT last_error FROM jobs").rows.first?.decode(String.self, at: 0)
                ?? ""
            #expect(cause.contains("HTTP 401") && cause.contains("Incorrect API key"), "\(cause)")
            #expect(!cause.contains("sk-admin-wrong"), "the key is never shown")
            worker.kill(SIGTERM)
            #expect(await worker.waitForExit() == 0)
            await f.stop()
        }
    }

    @Test func aRetryAfterPausesEveryProcess() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let f = try await ExecutionFixture(databaseURL: url)
            let a = try f.ingest.startWorker(name: "worker-a", executor: true)
            let b = try f.ingest.startWorker(name: "worker-b", executor: true)
            // Each worker checks the vendor once at start-up, outside any job. On a loaded machine a
            // late-starting worker's check could land inside the pause below and be mistaken for a
            // job's call, so the 429 is armed only after both checks were answered.
            try await f.ingest.waitUntil("both workers' start-up vendor checks", timeout: .seconds(120)) {
                f.fake.calls.calls.count >= 2
            }
            f.fake.injectFaults([.status(429, retryAfter: 2)])
            try await f.ingest.produce(
                (0..<10).map { f.onboarding("ra-\($0)", employee: "R\($0)", grants: [("alpha", "member")]) })
            try await f.waitForJobsToFinish(10)
            #expect(try await f.jobStatuses() == ["succeeded": 10])
            let calls = f.fake.calls.calls
            let throttled = try #require(calls.first { $0.status == 429 })
            // Requests already on the wire when the 429 was answered (a few milliseconds) cannot be
            // recalled; everything sent after it must wait out the Retry-After.
            let during = calls.filter {
                $0.receivedAt > throttled.receivedAt + .milliseconds(50)
                    && $0.receivedAt < throttled.receivedAt + .seconds(2)
            }
            #expect(
                during.isEmpty,
                "no call from any process within Retry-After: \(during.map { "\($0.path) at +\($0.receivedAt - throttled.receivedAt)" })"
            )
            for w in [a, b] { w.kill(SIGTERM) }
            for w in [a, b] { #expect(await w.waitForExit() == 0) }
            await f.stop()
        }
    }

    @Test func twoWorkersStayWithinASharedBudget() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let f = try await ExecutionFixture(databaseURL: url, rate: (10, 5))
            _ = f.fake.addProject(name: "alpha")
            try await f.ingest.produce(
                (0..<50).map { f.onboarding("b-\($0)", employee: "B\($0)", grants: [("alpha", "member")]) })
            let a = try f.ingest.startWorker(name: "worker-a", executor: true)
            let b = try f.ingest.startWorker(name: "worker-b", executor: true)
            try await f.waitForJobsToFinish(50, timeout: .seconds(120))
            #expect(try await f.jobStatuses() == ["succeeded": 50])
            let calls = f.fake.calls
            // One invite per joiner, plus each process's directory listings and start-up check
            // (issue 14; before the directory each joiner also listed projects, users and invites).
            #expect(calls.calls("POST", path: "/v1/organization/invites").count == 50)
            #expect(calls.count >= 50 && calls.count <= 75, "\(calls.count) calls")
            // GCRA with 10/s and a burst of 5 admits at most 10 + 5 - 1 calls in any one second.
            let peak = calls.peakCount(inAnyWindowOf: .seconds(1))
            #expect(peak <= 15, "peak \(peak) calls in one second")
            #expect(calls.calls(status: 429).isEmpty)
            for w in [a, b] { w.kill(SIGTERM) }
            for w in [a, b] { #expect(await w.waitForExit() == 0) }
            await f.stop()
        }
    }

    @Test func anOffboardingBehindThreeHundredOnboardingsFinishesFirst() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let f = try await ExecutionFixture(databaseURL: url, rate: (100, 10), batchSize: 1000)
            _ = f.fake.addProject(name: "alpha")
            _ = f.fake.addUser(email: "gone@example.com")
            var events = (0..<300).map { f.onboarding("q-\($0)", employee: "Q\($0)", grants: [("alpha", "member")]) }
            events.append(
                (
                    "GONE",
                    TestEvents.event(
                        id: "leaver", type: "hr.employee.offboarding", employee: "GONE", email: "gone@example.com",
                        access: nil)
                ))
            try await f.ingest.produce(events)
            // Ingest everything first, so the executor sees the whole backlog when it starts.
            let ingestOnly = try f.ingest.startWorker(name: "ingest")
            try await f.ingest.waitForCounts(events: 301)
            ingestOnly.kill(SIGTERM)
            #expect(await ingestOnly.waitForExit() == 0)
            let worker = try f.ingest.startWorker(executor: true)
            try await f.waitForJobsToFinish(301, timeout: .seconds(180))
            let order = try await f.ingest.pool.query(
                "SELECT event_id FROM jobs WHERE status = 'succeeded' ORDER BY finished_at, id LIMIT 1"
            ).rows.first?.decode(String.self, at: 0)
            #expect(order == "leaver")
            #expect(!f.fake.users.contains { $0.email == "gone@example.com" })
            worker.kill(SIGTERM)
            #expect(await worker.waitForExit() == 0)
            await f.stop()
        }
    }
}
