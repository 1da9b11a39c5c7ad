/// The allowed range of one numeric setting, checked at start-up: a value outside it refuses to
/// start, naming the key and the range (`executor.lease_seconds: 0 is out of range 5...3600`).
/// `lease_seconds: 0`, for one, would let two workers run one job at once.
public struct SettingRange: Sendable, Hashable {
    /// The key as written in the file (`executor.lease_seconds`).
    public var key: String
    /// The configured value, as a `Double` whatever the setting's type.
    public var value: Double
    /// The values allowed, both bounds included.
    public var range: ClosedRange<Double>
    /// Why the range is what it is, for the reader of the error.
    public var why: String

    /// An integer setting; the value and range are kept as `Double`s.
    public init(_ key: String, _ value: Int, _ range: ClosedRange<Int>, _ why: String) {
        self.init(key, Double(value), Double(range.lowerBound)...Double(range.upperBound), why)
    }

    /// A setting whose value may have a fraction (`brake.share`).
    ///
    /// - Parameters:
    ///   - key: The key as written in the file (`brake.share`).
    ///   - value: The configured value.
    ///   - range: The values allowed, bounds included.
    ///   - why: Why the range is what it is, shown after the error.
    public init(_ key: String, _ value: Double, _ range: ClosedRange<Double>, _ why: String) {
        self.key = key
        self.value = value
        self.range = range
        self.why = why
    }

    /// `nil` when the value is inside the range.
    public var problem: String? {
        guard !range.contains(value) else { return nil }
        return
            "\(key): \(Self.format(value)) is out of range \(Self.format(range.lowerBound))...\(Self.format(range.upperBound)) (\(why))"
    }

    static func format(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}

extension RosterConfiguration {
    /// Every numeric setting with its allowed range (vendor settings for the configured vendors).
    public var settingRanges: [SettingRange] {
        var ranges: [SettingRange] = [
            .init(
                "kafka.session_timeout_ms", kafka.sessionTimeoutMs, 1_000...1_800_000,
                "Kafka brokers accept 6 s to 30 min by default"),
            .init("database.pool_size", database.poolSize, 1...1_000, "connections per process"),
            .init("http.metrics_refresh_ms", http.metricsRefreshMs, 100...3_600_000, "100 ms to an hour"),
            .init("executor.concurrency", executor.concurrency, 1...10_000, "jobs one process runs at once"),
            .init(
                "executor.lease_seconds", executor.leaseSeconds, 5...3_600,
                "the heartbeat renews every third of it; shorter than a vendor call lets two workers run one job"),
            .init("executor.poll_ms", executor.pollMs, 10...60_000, "the fallback poll when no notification arrives"),
            .init("ingest.batch_size", ingest.batchSize, 1...100_000, "messages recorded in one transaction"),
            .init("ingest.batch_wait_ms", ingest.batchWaitMs, 1...60_000, "how long a poll waits to fill a batch"),
            .init("ingest.max_message_bytes", ingest.maxMessageBytes, 1_024...(64 << 20), "1 KiB to 64 MiB"),
            .init(
                "reconcile.interval_seconds", reconcile.intervalSeconds, 10...604_800,
                "ten seconds to a week between passes"),
            .init(
                "reconcile.verify_after_seconds", reconcile.verifyAfterSeconds, 0...86_400,
                "up to a day after an offboarding finishes"),
            .init(
                "brake.offboardings", brake.offboardings, 1...1_000_000, "offboardings in the window that always run"),
            .init("brake.window_seconds", brake.windowSeconds, 60...604_800, "a minute to a week"),
            .init("brake.share", brake.share, 0.0001...1, "a share of known employees, 0.01 % to 100 %"),
        ]
        for (name, vendor) in vendors.sorted(by: { $0.key < $1.key }) {
            let path = "vendors.\(name)"
            // Lower bounds of rate, retry and breaker, and every rate window range, are checked by
            // ``Vendor/problems(name:)`` (which guards the limiter arithmetic before a registry is built).
            if let retry = vendor.retry, retry.maxAttempts > 1_000 {
                ranges.append(.init("\(path).retry.max_attempts", retry.maxAttempts, 1...1_000, "attempts per step"))
            }
            if let days = vendor.acceptanceWindowDays {
                ranges.append(
                    .init(
                        "\(path).acceptance_window_days", days, 0.0001...365,
                        "how long a new person has to accept an invitation; fractions of a day (0.0001 = 8.64 s) are for tests"
                    ))
            }
            if let batch = vendor.batch {
                ranges.append(
                    .init(
                        "\(path).batch.linger_ms", batch.lingerMs, 0...60_000,
                        "how long the first invitation of a batch waits for others"))
                ranges.append(
                    .init("\(path).batch.max_items", batch.maxItems, 1...1_000, "invitations in one batch call"))
            }
        }
        return ranges
    }

    /// The settings outside their range, one message each.
    public var rangeProblems: [String] { settingRanges.compactMap(\.problem) }
}
