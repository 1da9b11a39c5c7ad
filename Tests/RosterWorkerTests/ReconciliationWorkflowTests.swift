import Foundation
import RosterPostgres
import RosterTesting
import Testing

@testable import RosterWorker

/// Issue 15: reconciliation against the vendor fakes, with real `roster reconcile` and `roster
/// worker` processes, the mock Kafka cluster and a real Postgres.
@Suite(.serialized, .timeLimit(.minutes(10)), .requiresPostgres)
struct ReconciliationWorkflowTests {
    typealias F = VendorFixture

    /// The fixture's executor configuration with `reconcile:` replaced by `settings`.
    static func configuration(_ f: VendorFixture, reconcile settings: String) throws -> URL {
        let text = try String(contentsOf: f.ingest.executorConfigURL, encoding: .utf8)
            .replacingOccurrences(of: TestConfiguration.reconcileOff, with: "reconcile: \(settings)")
        let url = f.ingest.executorConfigURL.deletingLastPathComponent().appendingPathComponent(
            "reconcile-\(UUID().uuidString.prefix(8)).yaml")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    /// Runs `roster <arguments>` against the fixture's database and fakes.
    static func roster(
        _ f: VendorFixture, _ arguments: [String], config: URL? = nil
    ) async throws -> (status: Int32, output: String) {
        var environment = f.ingest.workerEnvironment
        environment["ROSTER_CONFIG"] = (config ?? f.ingest.executorConfigURL).path
        environment["USER"] = "tester"
        return try await RosterProcess.run(arguments, environment: environment)
    }

    /// The findings of a `roster reconcile --output json` run, as (situation, employee, outcome).
    static func findings(
        _ output: String
    ) throws -> [(situation: String, employee: String?, outcome: String, target: [String: String])] {
        let json = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        let vendors = json["vendors"] as? [[String: Any]] ?? []
        return vendors.flatMap { ($0["findings"] as? [[String: Any]]) ?? [] }.map {
            (
                $0["situation"] as? String ?? "", $0["employee_id"] as? String, $0["outcome"] as? String ?? "",
                $0["target"] as? [String: String] ?? [:]
            )
        }
    }

    /// Onboards `employee` into the OpenAI project `project`, lets them accept, and offboards them.
    static func onboardAcceptAndOffboard(_ f: VendorFixture, _ employee: String, project: String) async throws {
        try await f.ingest.produce([
            f.event("\(employee)-on", employee: employee, grants: [("openai", project, "member")], sequence: 1)
        ])
        try await f.run(until: 1)
        try f.openai.acceptInvite(email: F.email(employee))
        try await f.ingest.produce([
            f.event("\(employee)-off", "hr.employee.offboarding", employee: employee, grants: nil, sequence: 2)
        ])
        try await f.run(until: 2)
        #expect(f.openai.users.first { $0.email == F.email(employee) } == nil, "the offboarding removed them")
    }

    /// Access given back to a leaver behind Roster's back (a member, a project membership, an API
    /// key) is found by one pass, which creates one revocation job at that vendor; the job
    /// removes it all, and the next pass resolves the findings.
    @Test func aLeaversAccessAddedByHandIsFoundAndRevokedWithinOnePass() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let f = try await VendorFixture(databaseURL: url)
            let project = f.openai.addProject(name: "rc-ai")
            try await Self.onboardAcceptAndOffboard(f, "R1", project: "rc-ai")
            let user = f.openai.addUser(email: F.email("R1"))
            try f.openai.addProjectMember(projectID: project.id, userID: user.id)
            try f.openai.addAPIKey(projectID: project.id, ownerUserID: user.id)
            let mutationsBefore = F.mutations(f.openai.calls).count

            let pass = try await Self.roster(f, ["reconcile", "--vendor", "openai", "--output", "json"])
            #expect(pass.status == 0, "\(pass.output)")
            let leaver = try Self.findings(pass.output).filter { $0.situation == "leaver_has_access" }
            #expect(leaver.count == 3, "member, membership and key: \(pass.output)")
            #expect(leaver.allSatisfy { $0.employee == "R1" && $0.outcome.hasPrefix("job ") })
            #expect(Set(leaver.map(\.outcome)).count == 1, "one job for the employee at the vendor")
            #expect(!pass.output.contains("@"), "no address in the output")
            #expect(F.mutations(f.openai.calls).count == mutationsBefore, "a pass only reads")
            let job = try await f.strings(
                "SELECT type || ' ' || origin || ' ' || array_to_string(vendors, ',') || ' ' || priority FROM jobs WHERE origin = 'reconcile'"
            )
            #expect(job == ["offboarding reconcile openai 100"], "a revocation at leaver priority, at that vendor only")

            try await f.run(until: 3)
            #expect(f.openai.users.first { $0.email == F.email("R1") } == nil)
            #expect(f.openai.apiKeys(in: project.id).isEmpty)
            #expect(
                try await f.strings(
                    "SELECT DISTINCT vendor FROM job_steps WHERE job_id = (SELECT id FROM jobs WHERE origin = 'reconcile')"
                ) == ["openai"])

            let again = try await Self.roster(f, ["reconcile", "--vendor", "openai", "--output", "json"])
            #expect(
                try Self.findings(again.output).filter { $0.situation == "leaver_has_access" }.isEmpty,
                "\(again.output)")
            #expect(
                try await f.ingest.count(
                    "SELECT count(*) FROM reconcile_findings WHERE situation = 'leaver_has_access' AND resolved_at IS NOT NULL"
                ) == 3)
            await f.stop()
        }
    }

    /// A grant removed by hand is reported as missing (no job by default); with `drift: fix` a
    /// change job at that vendor puts it back.
    @Test func aMissingGrantIsReportedAndFixedWithFix() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let f = try await VendorFixture(databaseURL: url)
            let project = f.openai.addProject(name: "rc-fix")
            try await f.ingest.produce([
                f.event("m1-on", employee: "M1", grants: [("openai", "rc-fix", "member")], sequence: 1)
            ])
            try await f.run(until: 1)
            let user = try f.openai.acceptInvite(email: F.email("M1"))
            try f.openai.withState { try $0.deleteProjectUser(projectID: project.id, userID: user.id) }

            let report = try await Self.roster(f, ["reconcile", "--vendor", "openai", "--output", "json"])
            let missing = try Self.findings(report.output).filter { $0.situation == "missing_grant" }
            #expect(
                missing.count == 1 && missing.first?.employee == "M1" && missing.first?.outcome == "reported",
                "\(report.output)")
            #expect(missing.first?.target["project"] == "rc-fix")
            #expect(try await f.ingest.count("SELECT count(*) FROM jobs") == 1, "report: no job")

            let fixing = try Self.configuration(f, reconcile: "{enabled: false, drift: fix}")
            let fix = try await Self.roster(f, ["reconcile", "--vendor", "openai", "--output", "json"], config: fixing)
            #expect(
                try Self.findings(fix.output).first { $0.situation == "missing_grant" }?.outcome.hasPrefix("job ")
                    == true, "\(fix.output)")
            #expect(
                try await f.strings("SELECT type || ' ' || priority FROM jobs WHERE origin = 'reconcile'") == [
                    "changed 20"
                ])
            try await f.run(until: 2)
            #expect(f.openai.members(of: project.id).contains { $0.userID == user.id && $0.role == "member" })
            await f.stop()
        }
    }

    /// An account nobody Roster knows is reported and never touched; a dry run records nothing,
    /// creates no job and sends nothing but reads.
    @Test func anUnknownAccountIsReportedAndUntouchedAndADryRunChangesNothing() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let f = try await VendorFixture(databaseURL: url)
            let project = f.openai.addProject(name: "rc-dry")
            try await Self.onboardAcceptAndOffboard(f, "D1", project: "rc-dry")
            let stranger = f.openai.addUser(email: "stranger@example.org")
            try f.openai.addProjectMember(projectID: project.id, userID: stranger.id)
            let leaver = f.openai.addUser(email: F.email("D1"))
            let mutationsBefore = F.mutations(f.openai.calls).count
            let jobsBefore = try await f.ingest.count("SELECT count(*) FROM jobs")

            let dry = try await Self.roster(f, ["reconcile", "--dry-run", "--output", "json"])
            #expect(dry.status == 0, "\(dry.output)")
            let findings = try Self.findings(dry.output)
            #expect(
                findings.contains {
                    $0.situation == "unknown_account" && $0.target["user_id"] == stranger.id && $0.outcome == "reported"
                })
            #expect(
                findings.contains {
                    $0.situation == "leaver_has_access" && $0.target["user_id"] == leaver.id
                        && $0.outcome == "would create an offboarding at openai"
                })
            #expect(!dry.output.contains("@"))
            #expect(F.mutations(f.openai.calls).count == mutationsBefore, "a dry run changes nothing at the vendor")
            #expect(
                F.mutations(f.posthog.calls).isEmpty && F.mutations(f.confident.calls).isEmpty
                    && F.mutations(f.relevance.calls).isEmpty)
            #expect(try await f.ingest.count("SELECT count(*) FROM jobs") == jobsBefore)
            #expect(try await f.ingest.count("SELECT count(*) FROM reconcile_runs") == 0)
            #expect(try await f.ingest.count("SELECT count(*) FROM reconcile_findings") == 0)

            // For real: the leaver is revoked, the stranger stays.
            let pass = try await Self.roster(f, ["reconcile", "--vendor", "openai"])
            #expect(pass.status == 0 && pass.output.contains("unknown_account"), "\(pass.output)")
            try await f.run(until: Int(jobsBefore) + 1)
            #expect(f.openai.users.contains { $0.id == stranger.id })
            #expect(f.openai.members(of: project.id).contains { $0.userID == stranger.id })
            #expect(!f.openai.users.contains { $0.id == leaver.id })
            await f.stop()
        }
    }

    /// One pass at a time in the cluster: `roster reconcile` is refused while the lock is held,
    /// and two workers' reconcile services never run passes that overlap in time.
    @Test func twoProcessesNeverRunAPassAtTheSameTime() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let f = try await VendorFixture(databaseURL: url)
            try await f.ingest.pool.withConnection { connection in
                _ = try await connection.query("SELECT pg_advisory_lock(\(ReconcilePass.lockKey))")
                let refused = try await Self.roster(f, ["reconcile", "--vendor", "openai"])
                #expect(
                    refused.status == 1 && refused.output.contains("another reconciliation pass"), "\(refused.output)")
                _ = try await connection.query("SELECT pg_advisory_unlock(\(ReconcilePass.lockKey))")
            }
            let frequent = try Self.configuration(
                f, reconcile: "{enabled: true, interval_seconds: 10, verify_after_seconds: 4}")
            var environment = f.ingest.workerEnvironment
            environment["ROSTER_CONFIG"] = frequent.path
            let workers = try (0..<2).map { try RosterProcess(["worker"], environment: environment, name: "rc-\($0)") }
            try await f.ingest.waitUntil("two rounds of passes over the four vendors", timeout: .seconds(90)) {
                try await f.ingest.count(
                    "SELECT count(*) FROM reconcile_runs WHERE kind = 'pass' AND finished_at IS NOT NULL") >= 8
            }
            for worker in workers { worker.kill(SIGTERM) }
            for worker in workers { _ = await worker.waitForExit() }
            let runs = try await f.ingest.pool.query(
                "SELECT extract(epoch FROM started_at)::float8, extract(epoch FROM coalesce(finished_at, now()))::float8 FROM reconcile_runs ORDER BY started_at"
            ).rows.map { (try $0.decode(Double.self, at: 0), try $0.decode(Double.self, at: 1)) }
            for (earlier, later) in zip(runs, runs.dropFirst()) {
                #expect(earlier.1 <= later.0, "runs overlap: \(earlier) and \(later)")
            }
            #expect(try await f.ingest.count("SELECT count(*) FROM reconcile_runs WHERE outcome = 'completed'") >= 8)
            await f.stop()
        }
    }

    /// After an offboarding, every vendor it acted at is checked again: verified absent (or only
    /// residual access the API cannot remove), shown by `roster audit` and `roster evidence`.
    @Test func everyVendorIsVerifiedAfterAnOffboarding() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let f = try await VendorFixture(
                databaseURL: url, extraConfiguration: "reconcile: {enabled: true, verify_after_seconds: 0}")
            f.openai.addProject(name: "va-ai")
            f.posthog.addProject(name: "va-ph")
            let grants = [("openai", "va-ai", "member"), ("posthog", "va-ph", "member")]
            try await f.ingest.produce([f.event("v1-on", employee: "V1", grants: grants, sequence: 1)])
            try await f.run(until: 1)
            try await f.ingest.produce([
                f.event("v1-off", "hr.employee.offboarding", employee: "V1", grants: nil, sequence: 2)
            ])
            let worker = try f.ingest.startWorker(executor: true)
            try await f.ingest.waitUntil("every vendor verified", timeout: .seconds(90)) {
                try await f.ingest.count("SELECT count(*) FROM verifications WHERE result IS NOT NULL") == 4
            }
            worker.kill(SIGTERM)
            _ = await worker.waitForExit()
            let results = try await f.strings("SELECT vendor || ' ' || result FROM verifications ORDER BY vendor")
            #expect(results.filter { $0.hasSuffix(" absent") }.count >= 3, "\(results)")
            #expect(results.allSatisfy { $0.hasSuffix(" absent") || $0 == "relevance residual" }, "\(results)")
            #expect(
                try await f.ingest.count("SELECT count(*) FROM jobs WHERE origin = 'reconcile'") == 0,
                "nothing to revoke again")

            let audit = try await Self.roster(f, ["audit", "--employee", "V1"])
            #expect(
                audit.output.contains("openai: revoked") && audit.output.contains("verified absent at"),
                "\(audit.output)")
            // Test events carry a fixed HR time; the export selects by it.
            let evidence = try await Self.roster(f, ["evidence", "--since", "2000-01-01T00:00:00Z"])
            let lines = evidence.output.split(separator: "\n")
            #expect(lines.first == Substring(EvidenceReport.csvHeader))
            #expect(lines.filter { $0.hasPrefix("V1,") }.count == 4, "\(evidence.output)")
            #expect(lines.contains { $0.hasPrefix("V1,openai,") && $0.contains(",absent,") })
            #expect(!evidence.output.contains("@"))
            await f.stop()
        }
    }

    /// A colleague re-invites the leaver by hand after the offboarding: the verification finds
    /// it and revokes it with a job of its own, which is verified in turn.
    @Test func aReInviteByHandAfterTheOffboardingIsCaughtByTheVerification() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let f = try await VendorFixture(databaseURL: url)
            f.openai.addProject(name: "rv-ai")
            try await Self.onboardAcceptAndOffboard(f, "H1", project: "rv-ai")
            let invite = f.openai.addInvite(email: F.email("H1"))
            let verifying = try Self.configuration(f, reconcile: "{enabled: true, verify_after_seconds: 0}")
            var environment = f.ingest.workerEnvironment
            environment["ROSTER_CONFIG"] = verifying.path
            let worker = try RosterProcess(["worker"], environment: environment, name: "verifier")
            try await f.ingest.waitUntil("the revocation job verified", timeout: .seconds(90)) {
                try await f.ingest.count(
                    "SELECT count(*) FROM verifications v JOIN jobs j ON j.id = v.job_id WHERE j.origin = 'reconcile' AND v.result = 'absent'"
                ) == 1
            }
            worker.kill(SIGTERM)
            _ = await worker.waitForExit()
            #expect(
                !f.openai.invites.contains { $0.id == invite.id && $0.status == .pending },
                "the hand-made invite is revoked")
            #expect(
                try await f.strings(
                    "SELECT result FROM verifications v JOIN jobs j ON j.id = v.job_id WHERE j.origin = 'hr' AND v.vendor = 'openai'"
                )
                    == ["access_found"], "the first check found the invite")
            let finding = try await f.strings(
                "SELECT situation || ' ' || (target->>'invite_id') || ' ' || (job_id IS NOT NULL) FROM reconcile_findings WHERE situation = 'leaver_has_access'"
            )
            #expect(finding == ["leaver_has_access \(invite.id) true"])
            await f.stop()
        }
    }
}
