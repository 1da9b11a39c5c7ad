import Foundation

/// A `roster.yaml` for tests, written to the test work directory. Ops HTTP listens on a free
/// port (parallel workers would collide on the default 9464); the worker logs it as
/// `ops HTTP listening` with its `address`.
public enum TestConfiguration {
    /// Four vendor instances at an unreachable address: enough for ingest, which only checks names.
    public static let placeholderVendors = """
        vendors:
          openai: {kind: openai, base_url: "http://127.0.0.1:9/v1", api_key_env: ROSTER_TEST_OPENAI_KEY}
          posthog: {kind: posthog, base_url: "http://127.0.0.1:9", organization_id: "org", api_key_env: ROSTER_TEST_POSTHOG_KEY}
          confident: {kind: confident-ai, base_url: "http://127.0.0.1:9", api_key_env: ROSTER_TEST_CONFIDENT_KEY}
          relevance: {kind: relevance-ai, base_url: "http://127.0.0.1:9/latest", organization_id: "org", project_id: "proj", api_key_env: ROSTER_TEST_RELEVANCE_KEY}
        """

    /// Tests run workers without the reconcile service unless they ask for it (`extra` naming
    /// `reconcile:`): its passes would add vendor reads to every test that counts calls.
    public static let reconcileOff = "reconcile: {enabled: false}"

    public static func write(
        brokers: String, databaseURL: String, topic: String, group: String, dlqTopic: String? = nil,
        sessionTimeoutMs: Int = 3000, kafkaProperties: [String: String] = [:], batchSize: Int = 500,
        vendors: String = placeholderVendors,
        executorEnabled: Bool = false, executorConcurrency: Int = 8, executorLeaseSeconds: Int = 30, extra: String = "",
        http: String = #"http: {listen: "127.0.0.1:0", metrics_refresh_ms: 1000}"#
    ) throws -> URL {
        let url = TestWorkDirectory.url.appendingPathComponent("roster-\(UUID().uuidString.prefix(8)).yaml")
        // librdkafka properties (e.g. `max.poll.interval.ms` for a fault test) over a fast reconnect.
        let properties = ["reconnect.backoff.max.ms": "1000"].merging(kafkaProperties) { _, new in new }
            .sorted { $0.key < $1.key }.map { "\"\($0.key)\": \"\($0.value)\"" }.joined(separator: ", ")
        let yaml = """
            kafka:
              brokers: "\(brokers)"
              topic: \(topic)
              group: \(group)
            \(dlqTopic.map { "  dlq_topic: \($0)" } ?? "")
              session_timeout_ms: \(sessionTimeoutMs)
              properties: {\(properties)}
            database:
              url: "\(databaseURL)"
              pool_size: 4
            ingest:
              batch_size: \(batchSize)
              batch_wait_ms: 100
              max_message_bytes: 65536
            \(http)
            executor:
              enabled: \(executorEnabled)
              concurrency: \(executorConcurrency)
              lease_seconds: \(executorLeaseSeconds)
              poll_ms: 200
            \(vendors)
            policy:
              - {match: {department: Research}, grant: [{vendor: openai, project: research-ai, role: member}]}
            \(extra.contains("reconcile:") ? "" : Self.reconcileOff)
            \(extra)
            """
        try yaml.write(to: url, atomically: true, encoding: .utf8)
        return url
    }
}
