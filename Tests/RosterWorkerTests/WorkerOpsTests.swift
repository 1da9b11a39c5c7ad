import Foundation
import RosterCore
import RosterTesting
import Testing
import Yams

/// `roster worker` as a real process: `/metrics` scraped over HTTP after real jobs, checked
/// against the dashboard and alert rules, and the worker's logs checked for personal data.
@Suite(.serialized, .timeLimit(.minutes(10)), .requiresPostgres)
struct WorkerOpsTests {
    static let joinerEmail = "ada.secretary@example.com"
    static let leaverEmail = "leaver.private@example.com"

    /// A worker (ingest + executor) with JSON logs at `level`.
    static func startWorker(_ f: ExecutionFixture, level: String) throws -> RosterProcess {
        var environment = f.ingest.workerEnvironment
        environment["ROSTER_CONFIG"] = f.ingest.executorConfigURL.path
        return try RosterProcess(
            ["worker", "--log-format", "json", "--log-level", level], environment: environment, name: "ops-worker")
    }

    /// A joiner with an explicit email, a leaver who has a user, a key and a membership, and one
    /// invalid message; the fake answers the first GET with a 429.
    static func produceScenario(_ f: ExecutionFixture) async throws {
        let user = f.fake.addUser(email: leaverEmail)
        let project = f.fake.addProject(name: "metrics")
        _ = try f.fake.addProjectMember(projectID: project.id, userID: user.id)
        _ = try f.fake.addAPIKey(projectID: project.id, name: "leaver-key", ownerUserID: user.id)
        f.fake.injectFaults([.status(429, retryAfter: 1)], matching: FakeRequestMatcher(method: "GET"))
        let invalid = TestEvents.invalid(index: 2)
        try await f.ingest.produce([
            (
                "JOINER7",
                TestEvents.event(
                    id: "ops-on-1", employee: "JOINER7", email: joinerEmail, access: [("openai", "metrics", "member")])
            ),
            (
                "LEAVER7",
                TestEvents.event(
                    id: "ops-off-1", type: "hr.employee.offboarding", employee: "LEAVER7", email: leaverEmail,
                    access: nil)
            ),
            (invalid.key, invalid.value),
        ])
    }

    @Test func metricsScrapedAfterRealJobsCoverTheDashboardAndAlertsAndCarryNoPersonalData() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let f = try await ExecutionFixture(databaseURL: url)
            try await Self.produceScenario(f)
            let worker = try Self.startWorker(f, level: "info")
            let port = try await opsPort(of: { worker.output() })
            try await f.waitForJobsToFinish(2, workers: [worker])
            #expect(try await f.jobStatuses() == ["succeeded": 2])

            // Gauges come from Postgres every metrics_refresh_ms (1 s in tests).
            var text = try PrometheusText("")
            for _ in 0..<100 {
                text = try PrometheusText(try await httpGet("http://127.0.0.1:\(port)/metrics").body)
                if text.values("roster_jobs", where: ["state": "succeeded"]).reduce(0, +) == 2,
                    text.values("roster_dead_letters", where: ["status": "new"]) == [1]
                {
                    break
                }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(text.values("roster_events_ingested_total") == [2])
            #expect(text.values("roster_events_dead_lettered_total") == [1])
            #expect(text.values("roster_jobs", where: ["state": "succeeded", "type": "offboarding"]) == [1])
            #expect(text.values("roster_job_runs_total", where: ["type": "onboarding", "status": "succeeded"]) == [1])
            #expect(text.values("roster_vendor_throttled_total", where: ["vendor": "openai"]).first ?? 0 >= 1)
            #expect(
                text.values("roster_vendor_responses_total", where: ["vendor": "openai", "status": "429"]).first ?? 0
                    >= 1)
            #expect(
                text.values("roster_vendor_responses_total", where: ["vendor": "openai", "status": "200"]).first ?? 0
                    >= 1)
            #expect(
                text.values("roster_step_duration_seconds_count", where: ["vendor": "openai", "status": "succeeded"])
                    .first ?? 0 >= 4)
            #expect(text.values("roster_rate_limiter_wait_seconds_count", where: ["vendor": "openai"]).first ?? 0 >= 4)
            #expect(text.values("roster_time_to_revoke_seconds_count") == [1])
            #expect(text.values("roster_circuit_breaker_state", where: ["vendor": "openai", "state": "closed"]) == [1])
            #expect(text.values("roster_oldest_queued_job_age_seconds") == [0])
            // The fake advertises nothing here: the budget in use is the configured one.
            let budget = "roster_vendor_rate_budget_requests_per_second"
            #expect(text.values(budget, where: ["vendor": "openai", "source": "configured"]).count == 1)
            #expect(
                text.values(budget, where: ["vendor": "openai", "source": "learned"])
                    == text.values(budget, where: ["vendor": "openai", "source": "configured"]))
            #expect(text.values("roster_consumer_lag").count == 8, "one lag per partition")

            // Labels: only the allowed names, and values that are no person's.
            let allowed: Set<String> = [
                "vendor", "status", "type", "state", "source", "partition", "le", "situation", "residual", "result",
            ]
            for sample in text.samples {
                #expect(Set(sample.labels.keys).isSubset(of: allowed), "\(sample)")
                for value in sample.labels.values {
                    #expect(!value.contains("@"), "\(sample)")
                    #expect(
                        !["JOINER7", "LEAVER7", "ops-on-1", "ops-off-1", "leaver-key", ExecutionFixture.adminKey]
                            .contains(value), "\(sample)")
                }
            }

            // Every metric the dashboard and the alert rules use is one the worker exports.
            let used = try Self.metricNamesUsedInOps()
            #expect(used.count >= 10, "\(used)")
            let missing = used.subtracting(text.names)
            #expect(missing.isEmpty, "used in ops/ but not exported: \(missing.sorted())")

            worker.kill(SIGTERM)
            #expect(await worker.waitForExit() == 0)
            await f.stop()
        }
    }

    @Test func traceLevelJSONLogsCarryJobEventAndVendorButNoEmailNameOrKey() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let f = try await ExecutionFixture(databaseURL: url)
            try await Self.produceScenario(f)
            let worker = try Self.startWorker(f, level: "trace")
            try await f.waitForJobsToFinish(2, workers: [worker])
            worker.kill(SIGTERM)
            #expect(await worker.waitForExit() == 0)
            let output = worker.output()
            let lines = output.split(separator: "\n").map(String.init)
            #expect(lines.count > 20, "trace logging says a lot: \(lines.count) lines")

            for secret in [
                Self.joinerEmail, Self.leaverEmail, "Person JOINER7", "Person LEAVER7", ExecutionFixture.adminKey,
            ] {
                #expect(!output.lowercased().contains(secret.lowercased()), "the log contains \(secret)")
            }
            #expect(!output.contains("@example.com"), "no email address of any kind")

            // One JSON object per line, with job, event and vendor as metadata.
            var keys: Set<String> = []
            for line in lines {
                guard let object = try? JSONParser().parse(Array(line.utf8)).objectValue else {
                    Issue.record("not a JSON log line: \(line.prefix(300))")
                    continue
                }
                keys.formUnion(object.keys)
            }
            #expect(
                keys.isSuperset(of: ["time", "level", "label", "message", "job.id", "event.id", "vendor"]),
                "\(keys.sorted())")
            await f.stop()
        }
    }

    /// `roster_…` names in the Grafana dashboard and the Prometheus alert rules.
    static func metricNamesUsedInOps() throws -> Set<String> {
        let root = repositoryRoot
        var expressions: [String] = []
        let dashboard = try JSONParser().parse(
            Array(try Data(contentsOf: root.appendingPathComponent("ops/grafana/roster-dashboard.json"))))
        func collect(_ value: JSONValue) {
            switch value {
            case .object(let object):
                for (key, item) in object {
                    if key == "expr", let text = item.stringValue { expressions.append(text) } else { collect(item) }
                }
            case .array(let items): items.forEach(collect)
            default: break
            }
        }
        collect(dashboard)
        let rules =
            try Yams.load(
                yaml: try String(contentsOf: root.appendingPathComponent("ops/prometheus/alerts.yaml"), encoding: .utf8)
            ) as? [String: Any]
        for group in rules?["groups"] as? [[String: Any]] ?? [] {
            for rule in group["rules"] as? [[String: Any]] ?? [] {
                if let expr = rule["expr"] as? String { expressions.append(expr) }
            }
        }
        #expect(!expressions.isEmpty)
        var names: Set<String> = []
        for expression in expressions {
            for match in expression.matches(of: /roster_[a-z0-9_]+/) { names.insert(String(match.0)) }
        }
        return names
    }
}
