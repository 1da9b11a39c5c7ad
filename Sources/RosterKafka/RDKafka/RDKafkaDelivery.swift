internal import CRdkafka
import Foundation
import Synchronization

/// Collects the delivery reports of one `send` call and resumes its waiter exactly once, when the
/// last report (or enqueue failure) is in.
final class RDKafkaDeliveryBatch: Sendable {
    typealias Outcome = Result<KafkaDeliveryReport, KafkaError>

    private struct State {
        var outcomes: [Outcome?]
        var remaining: Int
        var waiter: CheckedContinuation<[Outcome], Never>?
    }

    private let state: Mutex<State>

    init(count: Int) {
        state = Mutex(State(outcomes: Array(repeating: nil, count: count), remaining: count, waiter: nil))
    }

    /// Records one outcome. Each index is completed exactly once (by its delivery report or by the
    /// enqueue failure), so `remaining` reaches zero exactly once.
    func complete(_ index: Int, with outcome: Outcome) {
        let resume: (CheckedContinuation<[Outcome], Never>, [Outcome])? = state.withLock { state in
            precondition(state.outcomes[index] == nil, "delivery outcome \(index) completed twice")
            state.outcomes[index] = outcome
            state.remaining -= 1
            guard state.remaining == 0, let waiter = state.waiter else { return nil }
            state.waiter = nil
            return (waiter, state.outcomes.map { $0! })
        }
        // Resume outside the lock.
        if let (waiter, outcomes) = resume { waiter.resume(returning: outcomes) }
    }

    /// Waits for every outcome. Call once.
    func outcomes() async -> [Outcome] {
        await withCheckedContinuation { continuation in
            let ready: [Outcome]? = state.withLock { state in
                guard state.remaining > 0 else { return state.outcomes.map { $0! } }
                state.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}

/// The per-message opaque handed to librdkafka: which batch and slot a delivery report belongs to.
final class RDKafkaDeliveryTicket: Sendable {
    let batch: RDKafkaDeliveryBatch
    let index: Int

    init(batch: RDKafkaDeliveryBatch, index: Int) {
        self.batch = batch
        self.index = index
    }

    /// A +1 reference for librdkafka's `msg_opaque`. Balanced by ``resolve(_:)`` (the delivery
    /// report) or, when enqueueing fails, by ``release(_:)``.
    func retainedOpaque() -> UnsafeMutableRawPointer {
        Unmanaged.passRetained(self).toOpaque()
    }

    static func release(_ opaque: UnsafeMutableRawPointer) {
        Unmanaged<RDKafkaDeliveryTicket>.fromOpaque(opaque).release()
    }

    /// The `dr_msg_cb`: librdkafka reports every enqueued message exactly once (delivered, failed,
    /// timed out or purged), which consumes the ticket's +1.
    static func resolve(_ message: UnsafePointer<rd_kafka_message_t>) {
        guard let opaque = message.pointee._private else { return }
        let ticket = Unmanaged<RDKafkaDeliveryTicket>.fromOpaque(opaque).takeRetainedValue()
        let m = message.pointee
        let topic = m.rkt.flatMap { rd_kafka_topic_name($0) }.map { String(cString: $0) } ?? ""
        let outcome: RDKafkaDeliveryBatch.Outcome
        if m.err == RD_KAFKA_RESP_ERR_NO_ERROR {
            var timestampType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
            let milliseconds = rd_kafka_message_timestamp(message, &timestampType)
            outcome = .success(
                KafkaDeliveryReport(
                    topic: topic, partition: m.partition, offset: m.offset >= 0 ? m.offset : nil,
                    timestamp: timestampType == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
                        ? nil : Date(timeIntervalSince1970: Double(milliseconds) / 1000)))
        } else {
            let timedOut = m.err == RD_KAFKA_RESP_ERR__MSG_TIMED_OUT || m.err == RD_KAFKA_RESP_ERR__TIMED_OUT_QUEUE
            outcome = .failure(
                KafkaError.rdkafka(
                    timedOut ? .timedOut : .deliveryFailed, m.err,
                    reason: "message to \(topic) was not delivered: \(String(cString: rd_kafka_err2str(m.err)))"))
        }
        ticket.batch.complete(ticket.index, with: outcome)
    }
}
