import RosterKafka

extension KafkaConsumer {
    /// Polls until at least `count` messages arrived in total or `timeout` elapsed, and returns
    /// every message received (possibly more than `count`; nothing is dropped).
    public func poll(
        atLeast count: Int, timeout: Duration, maxMessages: Int = 1000
    ) async throws -> [KafkaMessage] {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        var received: [KafkaMessage] = []
        while received.count < count {
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else { break }
            received += try await poll(maxMessages: maxMessages, timeout: min(remaining, .milliseconds(500)))
        }
        return received
    }

    /// Polls (serving rebalances) until `condition` holds for the assignment or `timeout` elapses.
    /// Returns the messages received meanwhile, which the caller must account for.
    public func poll(
        untilAssignment condition: ([KafkaTopicPartition]) -> Bool, timeout: Duration
    ) async throws -> [KafkaMessage] {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        var received: [KafkaMessage] = []
        while !condition(assignment()), ContinuousClock.now < deadline {
            received += try await poll(maxMessages: 1000, timeout: .milliseconds(100))
        }
        return received
    }
}
