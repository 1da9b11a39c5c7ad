import Foundation
import Logging
import RosterKafka
import RosterPostgres
import RosterTesting
import Testing

/// One ingest scenario: a librdkafka mock cluster with a fresh topic, a fresh database, a config
/// file pointing at both, and helpers to produce events, run `roster worker` processes and read
/// back what Postgres holds.
final class IngestFixture: Sendable {
    let cluster: KafkaTestCluster
    let topic: String
    let group: String
    let databaseURL: String
    let configURL: URL
    /// The same configuration with the executor on (ingest-only workers use ``configURL``).
    let executorConfigURL: URL
    let workerEnvironment: [String: String]
    let pool: PostgresPool
    let producer: KafkaProducer
    /// Where every message produced through ``produce(_:partitions:producer:)`` landed.
    let ledger = ProducedLedger()
    let logger = Logger(label: "test.ingest")

    init(
        databaseURL: String, partitions: Int = 8, batchSize: Int = 500, dlqTopic: Bool = false,
        vendors: String = TestConfiguration.placeholderVendors, executorEnabled: Bool = false,
        workerEnvironment: [String: String] = [:], extraConfiguration: String = "", executorConcurrency: Int = 8,
        executorLeaseSeconds: Int = 30, sessionTimeoutMs: Int = 3000, kafkaProperties: [String: String] = [:]
    ) throws {
        cluster = try KafkaTestCluster(label: "ingest")
        topic = try cluster.makeTopic(partitions: Int32(partitions), name: "hr-events")
        group = cluster.groupName("roster")
        if dlqTopic { _ = try cluster.makeTopic(partitions: 1, name: "hr-events.dlq") }
        self.databaseURL = databaseURL
        let (brokers, topicName, groupName) = (cluster.bootstrapServers, topic, group)
        let write = { (executor: Bool) throws -> URL in
            try TestConfiguration.write(
                brokers: brokers, databaseURL: databaseURL, topic: topicName, group: groupName,
                dlqTopic: dlqTopic ? "\(topicName).dlq" : nil, sessionTimeoutMs: sessionTimeoutMs,
                kafkaProperties: kafkaProperties, batchSize: batchSize, vendors: vendors,
                executorEnabled: executor, executorConcurrency: executorConcurrency,
                executorLeaseSeconds: executorLeaseSeconds,
                extra: extraConfiguration
            )
        }
        configURL = try write(executorEnabled)
        executorConfigURL = try write(true)
        self.workerEnvironment = workerEnvironment
        pool = try PostgresPool(
            configuration: PostgresConfiguration(url: databaseURL), size: 2, acquireTimeout: .seconds(30),
            logger: logger)
        producer = try cluster.makeProducer()
    }

    deinit {
        pool.close()
    }

    /// Produces `messages` (to `partitions` in turn, when given; else by key) and notes where each
    /// landed in ``ledger``.
    @discardableResult
    func produce(
        _ messages: [(key: String, value: Data)], partitions: [Int32]? = nil, producer: KafkaProducer? = nil
    ) async throws -> [KafkaDeliveryReport] {
        let records = messages.enumerated().map { index, message in
            KafkaProducerRecord(
                topic: topic, partition: partitions.map { $0[index % $0.count] }, key: Data(message.key.utf8),
                value: message.value
            )
        }
        let outcomes = try await (producer ?? self.producer).send(records)
        var reports: [KafkaDeliveryReport] = []
        for (outcome, message) in zip(outcomes, messages) {
            guard case .success(let report) = outcome else { continue }
            ledger.record(report, value: message.value)
            reports.append(report)
        }
        #expect(reports.count == messages.count, "every test message is delivered")
        return reports
    }

    /// Waits until the worker group has committed every message of the topic (lag 0 everywhere).
    func waitForDrain(timeout: Duration = .seconds(60)) async throws {
        let observer = try KafkaConsumer.observer(
            configuration: cluster.consumerConfiguration(topic: topic, group: group), logger: logger)
        do {
            try await waitUntil("consumer lag 0", timeout: timeout) {
                try await observer.lag().allSatisfy { ($0.committed ?? 0) >= $0.high }
            }
        } catch {
            await observer.close()
            throw error
        }
        await observer.close()
    }

    /// How many messages the topic holds (sum of high watermarks).
    func messageCount(topic: String? = nil) async throws -> Int64 {
        let consumer = try cluster.makeConsumer(
            topic: topic ?? self.topic, group: cluster.groupName("count-\(UUID().uuidString.prefix(6))"))
        var total: Int64 = 0
        for partition in try await consumer.partitions(topic: topic ?? self.topic) {
            total += try await consumer.watermarks(topic: topic ?? self.topic, partition: partition).high
        }
        await consumer.close()
        return total
    }

    func startWorker(failpoint: String? = nil, name: String = "worker", executor: Bool? = nil) throws -> RosterProcess {
        var environment = workerEnvironment
        environment["ROSTER_CONFIG"] = (executor == true ? executorConfigURL : configURL).path
        if let failpoint { environment["ROSTER_FAILPOINT"] = failpoint }
        return try RosterProcess(
            ["worker", "--log-level", ProcessInfo.processInfo.environment["ROSTER_TEST_WORKER_LOG_LEVEL"] ?? "info"],
            environment: environment, name: name)
    }

    func count(_ sql: String) async throws -> Int {
        let result = try await pool.query(PostgresQuery(unsafeSQL: sql))
        return Int(try result.rows.first?.decode(Int64.self, at: 0) ?? 0)
    }

    /// Waits until `condition` holds, polling Postgres; fails the test with `what` on timeout.
    func waitUntil(
        _ what: String, timeout: Duration = .seconds(60), _ condition: @Sendable () async throws -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        var lastError: (any Error)?
        while ContinuousClock.now < deadline {
            do {
                if try await condition() { return }
                lastError = nil
            } catch {
                lastError = error
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record(
            "timed out waiting for \(what)\(lastError.map { "; last error: \(String(reflecting: $0))" } ?? "")")
        throw CancellationError()
    }

    func waitForCounts(events: Int, deadLetters: Int = 0, timeout: Duration = .seconds(60)) async throws {
        try await waitUntil("\(events) events and \(deadLetters) dead letters", timeout: timeout) {
            let recorded = try await self.count("SELECT count(*) FROM events")
            let dead = try await self.count("SELECT count(*) FROM dead_letters")
            return recorded == events && dead == deadLetters
        }
    }

    static func events(_ range: Range<Int>, prefix: String = "evt") -> [(key: String, value: Data)] {
        range.map { i in
            let employee = "E\(i % 97)"
            return (employee, TestEvents.event(id: "\(prefix)-\(i)", employee: employee))
        }
    }
}
