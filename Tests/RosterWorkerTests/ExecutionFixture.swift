import Foundation
import Logging
import RosterPostgres
import RosterTesting
import Testing

/// An ingest fixture plus a fake OpenAI Admin server the workers are configured against.
final class ExecutionFixture: Sendable {
    static let adminKey = "sk-admin-roster-test"
    let fake: FakeOpenAIServer
    let ingest: IngestFixture
    let baseURL: URL

    /// - Parameters:
    ///   - rate: the shared budget Roster keeps to, as `requests_per_second, burst`.
    ///   - key: the admin key the workers present (a wrong one for the 401 test).
    ///   - extraConfiguration: more top-level YAML (e.g. a `brake:` section).
    init(
        databaseURL: String, rate: (Double, Int) = (200, 50),
        retry: (base: Int, cap: Int, attempts: Int) = (50, 400, 8), key: String = adminKey,
        batchSize: Int = 500, extraConfiguration: String = ""
    ) async throws {
        fake = FakeOpenAIServer(adminKey: Self.adminKey)
        baseURL = try await fake.start()
        let vendors = """
            vendors:
              openai: {kind: openai, base_url: "\(baseURL.absoluteString)", api_key_env: ROSTER_TEST_OPENAI_KEY,
                       rate: {requests_per_second: \(rate.0), burst: \(rate.1)},
                       retry: {base_ms: \(retry.base), cap_ms: \(retry.cap), max_attempts: \(retry.attempts)},
                       breaker: {failure_threshold: 5, open_seconds: 1}}
            """
        ingest = try IngestFixture(
            databaseURL: databaseURL, batchSize: batchSize, vendors: vendors, executorEnabled: false,
            workerEnvironment: ["ROSTER_TEST_OPENAI_KEY": key], extraConfiguration: extraConfiguration
        )
    }

    func stop() async {
        await fake.stop()
    }

    func onboarding(
        _ id: String, employee: String, grants: [(String, String)], sequence: Int64? = nil
    ) -> (key: String, value: Data) {
        (
            employee,
            TestEvents.event(
                id: id, employee: employee, access: grants.map { ("openai", $0.0, $0.1) }, sequence: sequence)
        )
    }

    func offboarding(_ id: String, employee: String, sequence: Int64? = nil) -> (key: String, value: Data) {
        (
            employee,
            TestEvents.event(
                id: id, type: "hr.employee.offboarding", employee: employee, access: nil, sequence: sequence)
        )
    }

    func jobStatuses() async throws -> [String: Int] {
        let rows = try await ingest.pool.query("SELECT status, count(*)::int8 FROM jobs GROUP BY 1").rows
        var result: [String: Int] = [:]
        for row in rows { result[try row.decode(String.self, at: 0)] = Int(try row.decode(Int64.self, at: 1)) }
        return result
    }

    /// Waits until every job is finished (succeeded, dead or cancelled) and there are `count` of them.
    func waitForJobsToFinish(_ count: Int, timeout: Duration = .seconds(90), workers: [RosterProcess] = []) async throws
    {
        do {
            try await ingest.waitUntil("\(count) finished jobs", timeout: timeout) {
                let statuses = try await self.jobStatuses()
                let finished = (statuses["succeeded"] ?? 0) + (statuses["dead"] ?? 0) + (statuses["cancelled"] ?? 0)
                return finished == count && statuses.values.reduce(0, +) == count
            }
        } catch {
            let jobs = try await ingest.pool.query(
                "SELECT id, status, coalesce(last_error, '') FROM jobs ORDER BY id LIMIT 5"
            ).rows.map {
                "\(try $0.decode(Int64.self, at: 0)) \(try $0.decode(String.self, at: 1)) \(try $0.decode(String.self, at: 2))"
            }
            Issue.record(
                "jobs: \(jobs); statuses \(try await jobStatuses()); workers: \(workers.map { $0.output().suffix(3000) })"
            )
            throw error
        }
    }

    /// Mutating calls the fake handled, as (method, path, body) — for "no mutation repeated".
    var mutations: [String] {
        fake.calls.mutatingCalls.filter(\.wasAdmitted).map { "\($0.method) \($0.path) \($0.body ?? "")" }
    }
}
