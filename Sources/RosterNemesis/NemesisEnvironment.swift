import Foundation
import RosterKafka
import RosterTesting
import Synchronization

/// The system under test for one nemesis run: the OpenAI and PostHog fakes, a librdkafka mock
/// cluster with the HR topic, a worker configuration pointing at them and the run's database,
/// and the `roster worker` processes (executor on, reconcile off, brake off).
final class NemesisEnvironment: Sendable {
    static let keys = ["openai": "sk-admin-nemesis", "posthog": "phx_fake_nemesis_personal_key"]

    let openai: FakeOpenAIServer
    let posthog: FakePostHogServer
    let cluster: KafkaTestCluster
    let topic: String
    let group: String
    let configURL: URL
    let producer: KafkaProducer
    /// When the fakes started, on both clocks, to place fake calls on the database's time line.
    let anchor: (date: Date, instant: ContinuousClock.Instant)
    /// Every employee id the plan publishes for (valid and invalid), sorted.
    let planEmployees: [String]
    private let workers: Mutex<[RosterProcess?]>
    private let workerEnvironment: [String: String]

    init(databaseURL: String, plan: NemesisPlan) async throws {
        openai = FakeOpenAIServer(adminKey: Self.keys["openai"]!)
        posthog = FakePostHogServer(personalAPIKey: Self.keys["posthog"]!)
        anchor = (Date(), ContinuousClock.now)
        let o = try await openai.start().absoluteString
        let p = try await posthog.start().absoluteString
        cluster = try KafkaTestCluster(brokers: Int(plan.brokers), label: "nemesis")
        topic = try cluster.makeTopic(partitions: plan.partitions, name: "hr-events")
        group = cluster.groupName("roster")
        // The coordinator stays on broker 1, which the plan never takes down (see NemesisPlan).
        try cluster.mock.setCoordinator(group: group, broker: 1)
        // Generous budgets: every injected fault is finite (a few requests, a few seconds), so a
        // healthy Roster ends with every job succeeded and a dead job is a finding.
        let common = """
            rate: {requests_per_second: 2000, burst: 200}, \
            retry: {base_ms: 100, cap_ms: 2000, max_attempts: 40}, \
            breaker: {failure_threshold: 50, open_seconds: 1}
            """
        let vendors = """
            vendors:
              openai: {kind: openai, base_url: "\(o)", api_key_env: ROSTER_NEMESIS_OPENAI_KEY, \(common)}
              posthog: {kind: posthog, base_url: "\(p)", organization_id: "\(posthog.organizationID)", api_key_env: ROSTER_NEMESIS_POSTHOG_KEY, batch: {linger_ms: 200, max_items: 20}, \(common)}
            """
        configURL = try TestConfiguration.write(
            brokers: cluster.bootstrapServers, databaseURL: databaseURL, topic: topic, group: group, batchSize: 200,
            vendors: vendors, executorEnabled: true, executorConcurrency: 8, executorLeaseSeconds: 15,
            extra: "brake: {enabled: false}")
        var environment: [String: String] = [:]
        for (vendor, key) in Self.keys { environment["ROSTER_NEMESIS_\(vendor.uppercased())_KEY"] = key }
        environment["ROSTER_CONFIG"] = configURL.path
        workerEnvironment = environment
        workers = Mutex(Array(repeating: nil, count: plan.workers))
        planEmployees = Set(plan.allEvents.map(\.employee)).sorted()
        producer = try cluster.makeProducer()
    }

    // MARK: - Workers

    /// Starts worker `index` unless it is running.
    func startWorker(_ index: Int) throws {
        if workers.withLock({ $0[index]?.isRunning == true }) { return }
        let level = ProcessInfo.processInfo.environment["ROSTER_NEMESIS_WORKER_LOG_LEVEL"] ?? "info"
        // `--config` on the command line (not only ROSTER_CONFIG) so ops/nemesis can find the
        // workers of its run by their work directory if the nemesis itself dies.
        let process = try RosterProcess(
            ["worker", "--config", configURL.path, "--log-level", level], environment: workerEnvironment,
            name: "nemesis-worker\(index)")
        workers.withLock { $0[index] = process }
    }

    /// SIGKILLs worker `index` and reaps it.
    func killWorker(_ index: Int) async {
        guard let process = workers.withLock({ $0[index] }) else { return }
        process.kill(SIGKILL)
        _ = await process.waitForExit(timeout: .seconds(30))
    }

    /// Stops every worker with SIGTERM (SIGKILL after 60 s).
    func stopWorkers() async {
        let all = workers.withLock { $0.compactMap { $0 } }
        for process in all { process.kill(SIGTERM) }
        for process in all {
            if await process.waitForExit(timeout: .seconds(60)) == nil {
                process.kill(SIGKILL)
                _ = await process.waitForExit(timeout: .seconds(10))
            }
        }
    }

    /// The last lines of every worker's log, for a failure report.
    func workerLogTails(lines: Int = 15) -> String {
        workers.withLock { $0 }.enumerated().map { index, process in
            let tail = (process?.output() ?? "").split(separator: "\n").suffix(lines).joined(separator: "\n")
            return "--- worker \(index) (\(process?.logURL.path ?? "not started")):\n\(tail)"
        }.joined(separator: "\n")
    }

    /// The exit status of worker `index` if it was started and has ended.
    func exitStatus(_ index: Int) async -> Int32? {
        guard let process = workers.withLock({ $0[index] }), !process.isRunning else { return nil }
        return await process.waitForExit(timeout: .zero)
    }

    func workersRunning() -> Int {
        workers.withLock { $0.filter { $0?.isRunning == true }.count }
    }

    // MARK: - Vendors

    func fake(_ vendor: String) -> any FakeVendorServer {
        vendor == "openai" ? openai : posthog
    }

    /// The wall-clock time a fake call arrived, or (`applied`) was answered.
    func date(of call: FakeCall, applied: Bool = false) -> Date {
        let instant = applied ? (call.finishedAt ?? call.receivedAt) : call.receivedAt
        return anchor.date.addingTimeInterval(Self.seconds(instant - anchor.instant))
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    func shutdown() async {
        await stopWorkers()
        await producer.close()
        await openai.stop()
        await posthog.stop()
    }
}
