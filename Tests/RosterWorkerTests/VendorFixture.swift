import Foundation
import RosterPostgres
import RosterTesting
import Testing

/// An ingest fixture plus all four fake vendors (OpenAI, PostHog, Confident AI, Relevance AI),
/// with `roster worker` processes configured against them over real HTTP.
final class VendorFixture: Sendable {
    static let keys = [
        "openai": "sk-admin-roster-test",
        "posthog": "phx_fake_roster_personal_key",
        "confident": "confident_us_fake_roster_key",
        "relevance": "sk-relevance-fake-roster",
    ]
    let openai: FakeOpenAIServer
    let posthog: FakePostHogServer
    let confident: FakeConfidentAIServer
    let relevance: FakeRelevanceAIServer
    let ingest: IngestFixture
    let execution: ExecutionFixtureShim

    /// - Parameters:
    ///   - wrongKeys: vendor instances whose workers present a wrong key.
    ///   - concurrency: jobs each worker runs at once (a batch holds at most this many items).
    ///   - lingerMs: how long the first invite of a batch waits for others.
    ///   - postHogLimits: the PostHog instance's `rate:`/`rate_windows:` settings, in place of
    ///     the generous `rate` every instance gets by default.
    ///   - confidentAcceptanceWindowDays: the Confident AI instance's `acceptance_window_days`
    ///     (fractions of a day for a window of seconds); `nil` leaves the default (14 days).
    ///   - extraConfiguration: configuration sections added to the workers' file (`reconcile: …`).
    init(
        databaseURL: String, wrongKeys: Set<String> = [], concurrency: Int = 64, lingerMs: Int = 200,
        retry: (base: Int, cap: Int, attempts: Int) = (50, 400, 8), batchSize: Int = 1000,
        postHogOptions: FakePostHogState.Options = .init(), leaseSeconds: Int = 30,
        rate: (perSecond: Double, burst: Int) = (2000, 200), postHogLimits: String? = nil,
        confidentAcceptanceWindowDays: Double? = nil, extraConfiguration: String = ""
    ) async throws {
        openai = FakeOpenAIServer(adminKey: Self.keys["openai"]!)
        posthog = FakePostHogServer(personalAPIKey: Self.keys["posthog"]!, options: postHogOptions)
        confident = FakeConfidentAIServer(apiKey: Self.keys["confident"]!)
        relevance = FakeRelevanceAIServer(apiKey: Self.keys["relevance"]!)
        let o = try await openai.start().absoluteString
        let p = try await posthog.start().absoluteString
        let c = try await confident.start().absoluteString
        var r = try await relevance.start().absoluteString
        while r.hasSuffix("/") { r.removeLast() }
        let common = """
            rate: {requests_per_second: \(rate.perSecond), burst: \(rate.burst)},
                             retry: {base_ms: \(retry.base), cap_ms: \(retry.cap), max_attempts: \(retry.attempts)},
                             breaker: {failure_threshold: 50, open_seconds: 1}
            """
        let rateSetting = "rate: {requests_per_second: \(rate.perSecond), burst: \(rate.burst)},"
        let postHogCommon = postHogLimits.map { common.replacingOccurrences(of: rateSetting, with: "\($0),") } ?? common
        let batch = "batch: {linger_ms: \(lingerMs), max_items: 20}"
        let window = confidentAcceptanceWindowDays.map { "acceptance_window_days: \($0), " } ?? ""
        let vendors = """
            vendors:
              openai: {kind: openai, base_url: "\(o)", api_key_env: ROSTER_TEST_OPENAI_KEY, \(common)}
              posthog: {kind: posthog, base_url: "\(p)", organization_id: "\(posthog.organizationID)",
                        api_key_env: ROSTER_TEST_POSTHOG_KEY, \(batch), \(postHogCommon)}
              confident: {kind: confident-ai, base_url: "\(c)", api_key_env: ROSTER_TEST_CONFIDENT_KEY, \(window)\(batch), \(common)}
              relevance: {kind: relevance-ai, base_url: "\(r)", organization_id: "\(relevance.organizationID)",
                          project_id: "\(relevance.defaultProjectID)", api_key_env: ROSTER_TEST_RELEVANCE_KEY, \(common)}
            """
        var environment: [String: String] = [:]
        for (vendor, key) in Self.keys {
            environment["ROSTER_TEST_\(vendor.uppercased())_KEY"] = wrongKeys.contains(vendor) ? key + "-wrong" : key
        }
        ingest = try IngestFixture(
            databaseURL: databaseURL, batchSize: batchSize, vendors: vendors, executorEnabled: false,
            workerEnvironment: environment, extraConfiguration: extraConfiguration, executorConcurrency: concurrency,
            executorLeaseSeconds: leaseSeconds
        )
        execution = ExecutionFixtureShim(ingest: ingest)
    }

    func stop() async {
        await openai.stop()
        await posthog.stop()
        await confident.stop()
        await relevance.stop()
    }

    static func email(_ employee: String) -> String { "\(employee.lowercased())@example.com" }

    func event(
        _ id: String, _ type: String = "hr.employee.onboarding", employee: String,
        grants: [(String, String, String)]?, sequence: Int64? = nil
    ) -> (key: String, value: Data) {
        (employee, TestEvents.event(id: id, type: type, employee: employee, access: grants, sequence: sequence))
    }

    /// Runs one worker (ingest and executor) until `count` jobs are finished, then stops it.
    func run(until count: Int, timeout: Duration = .seconds(90)) async throws {
        try await run(until: count, timeout: timeout) {}
    }

    /// Like ``run(until:timeout:)``, doing `meanwhile` once the worker is up (someone accepting
    /// an invitation while their job waits, an offboarding arriving).
    func run(until count: Int, timeout: Duration = .seconds(90), meanwhile: () async throws -> Void) async throws {
        let worker = try ingest.startWorker(executor: true)
        do {
            try await meanwhile()
        } catch {
            worker.kill(SIGTERM)
            _ = await worker.waitForExit()
            throw error
        }
        try await execution.waitForJobsToFinish(count, timeout: timeout, workers: [worker])
        worker.kill(SIGTERM)
        #expect(await worker.waitForExit() == 0)
        let unfinished = try await strings(
            "SELECT status || ' ' || event_id || ': ' || coalesce(last_error, '') FROM jobs WHERE status <> 'succeeded' ORDER BY id LIMIT 5"
        )
        if !unfinished.isEmpty { print("jobs not succeeded: \(unfinished)") }
    }

    /// Puts every job back to the start (steps pending, state forgotten) and runs them again.
    func rerunAll(count: Int) async throws {
        _ = try await ingest.pool.execute("UPDATE job_steps SET status = 'pending', state = '{}'")
        _ = try await ingest.pool.execute("UPDATE jobs SET status = 'queued', finished_at = NULL, run_after = now()")
        try await run(until: count)
    }

    func statuses() async throws -> [String: Int] { try await execution.jobStatuses() }

    func strings(_ sql: String) async throws -> [String] {
        try await ingest.pool.query(PostgresQuery(unsafeSQL: sql)).rows.map { try $0.decode(String.self, at: 0) }
    }

    /// The addresses in a Confident AI invitation call's `emails[]`.
    static func confidentEmails(in call: FakeCall) -> [String] {
        guard let data = call.body?.data(using: .utf8),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return [] }
        return object["emails"] as? [String] ?? []
    }

    /// Mutating calls a fake admitted, as `METHOD path body` (Relevance AI's `POST …/list`
    /// lookups are not mutations).
    static func mutations(_ calls: FakeCallLog) -> [String] {
        calls.mutatingCalls.filter { $0.wasAdmitted && !$0.path.hasSuffix("/list") }
            .map { "\($0.method) \($0.path) \($0.body ?? "")" }
    }
}

/// The job helpers of ``ExecutionFixture`` over any ingest fixture.
struct ExecutionFixtureShim: Sendable {
    let ingest: IngestFixture

    func jobStatuses() async throws -> [String: Int] {
        let rows = try await ingest.pool.query("SELECT status, count(*)::int8 FROM jobs GROUP BY 1").rows
        var result: [String: Int] = [:]
        for row in rows { result[try row.decode(String.self, at: 0)] = Int(try row.decode(Int64.self, at: 1)) }
        return result
    }

    func waitForJobsToFinish(_ count: Int, timeout: Duration, workers: [RosterProcess]) async throws {
        do {
            try await ingest.waitUntil("\(count) finished jobs", timeout: timeout) {
                let statuses = try await self.jobStatuses()
                let finished = (statuses["succeeded"] ?? 0) + (statuses["dead"] ?? 0) + (statuses["cancelled"] ?? 0)
                return finished == count && statuses.values.reduce(0, +) == count
            }
        } catch {
            let jobs = try await ingest.pool.query(
                "SELECT id, status, coalesce(last_error, '') FROM jobs WHERE status <> 'succeeded' ORDER BY id LIMIT 5"
            ).rows.map {
                "\(try $0.decode(Int64.self, at: 0)) \(try $0.decode(String.self, at: 1)) \(try $0.decode(String.self, at: 2))"
            }
            Issue.record(
                "jobs: \(jobs); statuses \(try await jobStatuses()); workers: \(workers.map { $0.output().suffix(3000) })"
            )
            throw error
        }
    }
}
