import Foundation
import RosterPostgres
import RosterTesting
import Testing

/// Issue 16, the executor's rows of the fault matrix (besides the crash windows of
/// ``CrashWindowTests``): Postgres going away under running steps, and an operator cancelling a
/// job whose vendor call is in flight. Real `roster worker` processes, the mock Kafka cluster, a
/// real Postgres and the four vendor fakes over HTTP.
@Suite(.serialized, .timeLimit(.minutes(10)), .requiresPostgres)
struct ExecutorFaultTests {
    typealias F = VendorFixture

    /// **Fault:** Postgres stopped (`pg_ctl stop -m immediate`) for 10 s while onboardings and
    /// offboardings at all four vendors have vendor calls in flight (every mutating call is held
    /// 1 s by the fakes), then started again.
    ///
    /// **Invariants:** the worker neither exits nor restarts (the same process runs throughout
    /// and exits 0 on SIGTERM at the end); every job succeeds; no mutating call is repeated at
    /// any vendor (no identical method, path and body twice); each vendor's final state is exactly
    /// what the events ask for (one project per name, one live invitation per joiner with every
    /// grant, the leavers' accounts, keys and memberships gone).
    @Test func postgresDownWhileStepsAreInFlightRepeatsNoMutation() async throws {
        try await TestDatabase.withFreshDatabase(exclusive: true) { url in
            // A 10 s lease: jobs whose last writes failed with the server are resumed soon after.
            let f = try await VendorFixture(
                databaseURL: url, leaseSeconds: 10, extraConfiguration: "brake: {enabled: false}")
            f.openai.addProject(name: "pg-ai")
            let ph = f.posthog.addProject(name: "pg-ph-priv", isPrivate: true)
            let cf = try f.confident.addProject(name: "pg-cf")
            let rv = f.relevance.addProject(name: "pg-rv")
            var leavers: [String: String] = [:]
            var confidentMembers: [String: String] = [:]
            var events: [(key: String, value: Data)] = []
            for i in 0..<3 {
                events.append(
                    f.event(
                        "pg-oa-\(i)", employee: "PGA\(i)",
                        grants: [("openai", "pg-ai", "member"), ("openai", "pg-ai-\(i)", "owner")]))
                events.append(
                    f.event(
                        "pg-ph-\(i)", employee: "PGP\(i)",
                        grants: [("posthog", "pg-ph-\(i)", "member"), ("posthog", "pg-ph-priv", "member")]))
                events.append(
                    f.event(
                        "pg-rv-\(i)", employee: "PGR\(i)",
                        grants: [("relevance", "pg-rv", "editor"), ("relevance", "pg-rv-\(i)", "viewer")]))
                confidentMembers["PGC\(i)"] = f.confident.addMember(email: F.email("PGC\(i)")).id
                events.append(f.event("pg-cf-\(i)", employee: "PGC\(i)", grants: [("confident", "pg-cf", "member")]))
            }
            for i in 0..<2 {
                let email = F.email("PGL\(i)")
                let user = f.openai.addUser(email: email)
                let project = f.openai.projects.first { $0.name == "pg-ai" }!
                try f.openai.addProjectMember(projectID: project.id, userID: user.id)
                try f.openai.addAPIKey(projectID: project.id, ownerUserID: user.id)
                f.posthog.addMember(email: email)
                f.relevance.addMember(email: email, projectID: rv.id)
                leavers["PGL\(i)"] = user.id
                events.append(f.event("pg-off-\(i)", "hr.employee.offboarding", employee: "PGL\(i)", grants: nil))
            }
            let worker = try f.ingest.startWorker(executor: true)
            // The start-up vendor check reads first; the delays are for the jobs' mutations.
            try await f.ingest.waitUntil("the start-up vendor checks") {
                [f.openai.calls, f.posthog.calls, f.confident.calls, f.relevance.calls].allSatisfy { !$0.calls.isEmpty }
            }
            let servers: [any FakeVendorServer] = [f.openai, f.posthog, f.confident, f.relevance]
            for server in servers {
                for method in ["POST", "PATCH", "PUT", "DELETE"] {
                    server.injectFaults(
                        Array(repeating: .delay(.seconds(1)), count: 40), matching: .init(method: method))
                }
            }
            try await f.ingest.produce(events)
            try await f.ingest.waitUntil("mutations under way", timeout: .seconds(90)) {
                Self.allMutations(f).count >= 4
            }
            let running = try await f.ingest.count("SELECT count(*) FROM jobs WHERE status = 'running'")
            try await TestDatabase.crashServer()
            let outage = ContinuousClock.now
            // The outage itself is the fault: 10 s without a database (time is the behaviour).
            try await Task.sleep(until: outage + .seconds(10))
            let inFlightDuringOutage = Self.allMutations(f).count
            #expect(worker.isRunning, "the worker survives the outage: \(worker.output().suffix(2000))")
            try await TestDatabase.startServer()

            try await f.execution.waitForJobsToFinish(events.count, timeout: .seconds(180), workers: [worker])
            print(
                "postgres down while executing: \(running) job(s) running at the crash, \(inFlightDuringOutage) mutation(s) by the end of the outage, \(Self.allMutations(f).count) in all"
            )
            #expect(try await f.statuses() == ["succeeded": events.count])
            #expect(worker.isRunning, "the same worker process ran throughout")
            #expect(worker.output().components(separatedBy: "worker started").count == 2, "started once")
            for (vendor, calls) in [
                ("openai", f.openai.calls), ("posthog", f.posthog.calls), ("confident", f.confident.calls),
                ("relevance", f.relevance.calls),
            ] {
                let repeated = CrashWindowTests.repeatedMutations(calls.calls, vendor: vendor)
                #expect(repeated.isEmpty, "\(vendor): mutating calls repeated: \(repeated)")
            }

            // Final states.
            for i in 0..<3 {
                let a = F.email("PGA\(i)")
                #expect(f.openai.projects.filter { $0.name == "pg-ai-\(i)" }.count == 1)
                let invites = f.openai.invites.filter { $0.email == a && $0.status == .pending }
                #expect(invites.count == 1 && invites.first?.projects?.count == 2, "PGA\(i): \(invites)")
                #expect(f.posthog.projects.filter { $0.name == "pg-ph-\(i)" }.count == 1)
                let live = f.posthog.invites(email: F.email("PGP\(i)")).filter { !$0.isExpired }
                #expect(
                    live.count == 1 && live.first?.privateProjectAccess.map(\.projectID) == [ph.id], "PGP\(i): \(live)")
                let r = F.email("PGR\(i)")
                #expect(f.relevance.projects.filter { $0.name == "pg-rv-\(i)" }.count == 1)
                let rvInvites = f.relevance.snapshot.invites.filter { $0.email.lowercased() == r }
                #expect(rvInvites.count == 2, "PGR\(i): one invite per project: \(rvInvites)")
                let c = F.email("PGC\(i)")
                #expect(f.confident.pendingInvitations(email: c).map(\.projectID) == [cf.id], "PGC\(i)")
            }
            for (employee, user) in leavers {
                let email = F.email(employee)
                #expect(!f.openai.users.contains { $0.id == user }, "\(employee)")
                #expect(
                    f.openai.projects.allSatisfy { f.openai.apiKeys(in: $0.id).allSatisfy { $0.ownerUserID != user } },
                    "\(employee)")
                #expect(f.posthog.member(email: email) == nil, "\(employee)")
                #expect(f.relevance.traces(of: email).memberships == 0, "\(employee)")
            }
            worker.kill(SIGTERM)
            #expect(await worker.waitForExit() == 0)
            await f.stop()
        }
    }

    /// **Fault:** `roster cancel` on an onboarding whose vendor call (OpenAI's invite) is held
    /// 8 s in flight, then a worker restart.
    ///
    /// **Invariants:** the job ends `cancelled` and its worker lets go of it; no mutating call
    /// reaches the vendor after the cancel returned (the in-flight one excepted); the next steps
    /// (the second project) never run; the worker goes on running other jobs; after a restart the
    /// cancelled job is not resumed (a later job succeeds, the cancelled one is still cancelled
    /// and made no further call). Known issue: the call in flight should be in the audit log
    /// (`roster cancel` promises it is recorded) and is not when the heartbeat cuts it.
    @Test func aJobCancelledWithItsCallInFlightStopsAndIsNeverResumed() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let f = try await VendorFixture(databaseURL: url)
            f.openai.addProject(name: "cx-a")
            let email = F.email("CX")
            var worker = try f.ingest.startWorker(executor: true)
            try await f.ingest.waitUntil("the start-up vendor check") { f.openai.calls.calls.count >= 1 }
            f.openai.injectFaults(
                [.delay(.seconds(8))], matching: .init(method: "POST", pathPrefix: "/v1/organization/invites"))
            try await f.ingest.produce([
                f.event("cx-on", employee: "CX", grants: [("openai", "cx-a", "member"), ("openai", "cx-b", "member")])
            ])
            try await f.ingest.waitUntil("the invite in flight", timeout: .seconds(90)) {
                f.openai.calls.calls.contains {
                    $0.method == "POST" && $0.path == "/v1/organization/invites" && $0.status == nil
                }
            }
            let id = try #require(try await f.strings("SELECT id::text FROM jobs WHERE event_id = 'cx-on'").first)
            let environment = ["ROSTER_CONFIG": f.ingest.executorConfigURL.path, "USER": "tester"]
            let cancel = try await RosterProcess.run(
                ["cancel", id, "--reason", "requested in error"], environment: environment)
            #expect(cancel.status == 0, "\(cancel.output)")
            let mark = f.openai.calls.calls.count
            try await f.ingest.waitUntil("the worker let go of the cancelled job", timeout: .seconds(90)) {
                try await f.ingest.count(
                    "SELECT count(*) FROM jobs WHERE event_id = 'cx-on' AND status = 'cancelled' AND lease_owner IS NULL"
                ) == 1
            }
            #expect(
                try await f.ingest.count(
                    "SELECT count(*) FROM audit_log WHERE action = 'cancel' AND outcome = 'cancelled'") == 1)
            // The vendor finishes the call in flight whatever the worker does.
            try await f.ingest.waitUntil("the call in flight answered", timeout: .seconds(90)) {
                f.openai.calls.calls.contains {
                    $0.method == "POST" && $0.path == "/v1/organization/invites" && $0.status != nil
                }
            }
            let invite = try #require(
                f.openai.calls.calls.first { $0.method == "POST" && $0.path == "/v1/organization/invites" })
            #expect(
                invite.wasAdmitted && invite.status.map { (200..<300).contains($0) } == true,
                "\(String(describing: invite.status))")
            #expect(
                f.openai.invites.filter { $0.email == email && $0.status == .pending }.count == 1,
                "the invite sent before the cancel stays")
            // `roster cancel` says the worker finishes the call in flight and records it: the heartbeat
            // does not cut a job's mutation in flight, so its recovery point and audit row are written.
            // (It once did: the vendor applied the invite and the audit log never knew.)
            try await f.ingest.waitUntil("the call in flight audited", timeout: .seconds(90)) {
                try await f.ingest.count(
                    "SELECT count(*) FROM audit_log WHERE job_id = \(id) AND action = 'create_invite'") == 1
            }
            let after = { Array(f.openai.calls.calls.dropFirst(mark)).filter { $0.isMutation } }
            #expect(after().isEmpty, "no mutating call after the cancel: \(after().map(\.path))")
            #expect(!f.openai.projects.contains { $0.name == "cx-b" }, "the next step never ran")

            // The worker goes on with other jobs.
            try await f.ingest.produce([f.event("cy-on", employee: "CY", grants: [("openai", "cx-a", "member")])])
            try await f.ingest.waitUntil("another job done", timeout: .seconds(90)) {
                try await f.ingest.count("SELECT count(*) FROM jobs WHERE event_id = 'cy-on' AND status = 'succeeded'")
                    == 1
            }
            #expect(worker.isRunning)
            // A restarted worker does not resume the cancelled job.
            worker.kill(SIGTERM)
            #expect(await worker.waitForExit() == 0)
            worker = try f.ingest.startWorker(name: "restarted", executor: true)
            try await f.ingest.produce([f.event("cz-on", employee: "CZ", grants: [("openai", "cx-a", "member")])])
            try await f.execution.waitForJobsToFinish(3, timeout: .seconds(90), workers: [worker])
            #expect(try await f.statuses() == ["succeeded": 2, "cancelled": 1])
            #expect(
                !after().contains { ($0.body ?? "").contains(email) || ($0.body ?? "").contains("cx-b") },
                "nothing more for the cancelled job")
            #expect(
                try await f.ingest.count(
                    "SELECT count(*) FROM step_attempts WHERE job_id = \(id) AND started_at > (SELECT finished_at FROM jobs WHERE id = \(id))"
                ) == 0,
                "no attempt of the cancelled job after it was cancelled")
            worker.kill(SIGTERM)
            #expect(await worker.waitForExit() == 0)
            await f.stop()
        }
    }

    /// Every admitted mutating call at the four fakes.
    static func allMutations(_ f: VendorFixture) -> [FakeCall] {
        [f.openai.calls, f.posthog.calls, f.confident.calls, f.relevance.calls].flatMap {
            CrashWindowTests.mutations($0.calls)
        }
    }
}
