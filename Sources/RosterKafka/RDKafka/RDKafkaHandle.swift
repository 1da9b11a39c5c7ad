internal import CRdkafka
import Dispatch
import Logging
import Synchronization

/// Owns one `rd_kafka_t` and the context its callbacks use; `deinit` destroys it exactly once.
///
/// `deinit` hands `rd_kafka_destroy` to ``teardownQueue`` together with ``context``, so the context
/// outlives every callback librdkafka makes, including log lines from its internal threads during
/// destroy.
final class RDKafkaHandle: Sendable {
    enum Kind {
        case consumer
        case producer
        /// The bookkeeping handle of a ``KafkaMockCluster``: a producer that never produces.
        case mockCluster
    }

    private let rk: SendableOpaquePointer
    let context: RDKafkaClientContext
    /// librdkafka's instance name, e.g. `roster#consumer-1`.
    let name: String
    /// Flags for `rd_kafka_destroy_flags` in `deinit`.
    private let destroyFlags = Atomic<Int32>(0)
    /// Set by ``leaveUndestroyed()``: `deinit` does not call `rd_kafka_destroy`.
    private let undestroyed = Atomic<Bool>(false)

    private init(rk: OpaquePointer, context: RDKafkaClientContext) {
        self.rk = SendableOpaquePointer(pointer: rk)
        self.context = context
        self.name = String(cString: rd_kafka_name(rk))
    }

    deinit {
        // rd_kafka_destroy blocks (it joins librdkafka's threads and, for a consumer that was never
        // closed, leaves the group), and the last reference may be dropped on the cooperative
        // pool: destroy on the teardown queue. The block keeps the context alive until destroy
        // has returned, so late callbacks still find it.
        let (rk, context, flags) = (self.rk, self.context, destroyFlags.load(ordering: .relaxed))
        if undestroyed.load(ordering: .relaxed) {
            // See leaveUndestroyed(): the handle and its context stay allocated for the process.
            Self.undestroyedHandles.withLock { $0.append((rk, context)) }
            return
        }
        Self.teardownQueue.async {
            withExtendedLifetime(context) { rd_kafka_destroy_flags(rk.pointer, flags) }
        }
    }

    /// Where blocking librdkafka teardown runs: `rd_kafka_destroy`, mock cluster destroy, final
    /// producer purge. Never the cooperative pool.
    static let teardownQueue = DispatchQueue(label: "roster.kafka.teardown", attributes: .concurrent)

    /// Makes `deinit` keep the `rd_kafka_t` instead of destroying it: for a consumer already closed
    /// (it has left the group and committed) whose destroy would abort the process.
    ///
    /// librdkafka before 2.2.1 asserts in `rd_kafka_sticky_assignor_state_destroy` when a
    /// `cooperative-sticky` consumer is destroyed after joining a group but before its first
    /// assignment (confluentinc/librdkafka#4312, fixed by #4381 in 2.2.1; Debian 12 ships 2.0.2).
    /// Keeping the closed handle costs its memory and idle threads until the process exits.
    func leaveUndestroyed() {
        undestroyed.store(true, ordering: .relaxed)
    }

    /// Handles kept by ``leaveUndestroyed()``, with their contexts, so neither is ever freed.
    private static let undestroyedHandles = Mutex<[(SendableOpaquePointer, RDKafkaClientContext)]>([])

    /// Makes `deinit` destroy a consumer without closing it: no final commit, no LeaveGroup.
    func skipConsumerCloseOnDestroy() {
        destroyFlags.store(RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE, ordering: .relaxed)
    }

    /// Lends the `rd_kafka_t` to a C call. Do not escape the pointer.
    func withHandle<T>(_ body: (OpaquePointer) throws -> T) rethrows -> T {
        try withExtendedLifetime(self) { try body(rk.pointer) }
    }

    /// Creates the configuration, installs the callbacks and creates the client.
    ///
    /// - Throws: ``KafkaError`` ``KafkaError/Code/unsupportedVersion`` for an old librdkafka,
    ///   ``KafkaError/Code/config`` for a property librdkafka rejects.
    static func make(
        kind: Kind, settings: [(key: String, value: String)], context: RDKafkaClientContext
    ) throws -> RDKafkaHandle {
        try KafkaVersion.check()
        let conf = rd_kafka_conf_new()!
        // rd_kafka_new only takes ownership of the rd_kafka_conf_t upon success.
        var confOwned = true
        defer { if confOwned { rd_kafka_conf_destroy(conf) } }

        let logLevel = RDKafkaClientContext.syslogLevel(for: context.logger.logLevel)
        try set(conf, key: "log_level", value: String(logLevel))
        for (key, value) in settings {
            try set(conf, key: key, value: value)
        }
        installCallbacks(conf, kind: kind)
        // Unretained: the handle keeps the context alive until after rd_kafka_destroy.
        rd_kafka_conf_set_opaque(conf, context.opaque)

        var errstr = [CChar](repeating: 0, count: 512)
        let type = kind == .consumer ? RD_KAFKA_CONSUMER : RD_KAFKA_PRODUCER
        guard let rk = rd_kafka_new(type, conf, &errstr, errstr.count) else {
            throw KafkaError.config("rd_kafka_new failed: \(String(errorBuffer: errstr))")
        }
        confOwned = false
        return RDKafkaHandle(rk: rk, context: context)
    }

    private static func set(_ conf: OpaquePointer, key: String, value: String) throws {
        var errstr = [CChar](repeating: 0, count: 512)
        let result = rd_kafka_conf_set(conf, key, value, &errstr, errstr.count)
        guard result == RD_KAFKA_CONF_OK else {
            // librdkafka's text may quote the value; keep it out of the short description anyway.
            throw KafkaError.config("librdkafka rejected property '\(key)': \(String(errorBuffer: errstr))")
        }
    }

    private static func installCallbacks(_ conf: OpaquePointer, kind: Kind) {
        // Called directly from librdkafka's threads (no log.queue): swift-log handlers are thread-safe.
        rd_kafka_conf_set_log_cb(conf) { rk, level, facility, message in
            guard let rk, let context = RDKafkaClientContext.from(rd_kafka_opaque(rk)) else { return }
            context.log(
                syslogLevel: level,
                facility: facility.map { String(cString: $0) } ?? "",
                message: message.map { String(cString: $0) } ?? "",
                client: String(cString: rd_kafka_name(rk)))
        }
        // Served by rd_kafka_poll / rd_kafka_consumer_poll.
        rd_kafka_conf_set_error_cb(conf) { rk, err, reason, opaque in
            guard let rk, let context = RDKafkaClientContext.from(opaque) else { return }
            context.logError(
                rd_kafka_resp_err_t(err), reason: reason.map { String(cString: $0) } ?? "",
                client: String(cString: rd_kafka_name(rk)))
        }
        switch kind {
        case .consumer:
            // Served only inside rd_kafka_consumer_poll / rd_kafka_consumer_close, on the caller's thread.
            rd_kafka_conf_set_rebalance_cb(conf) { rk, err, partitions, opaque in
                guard let rk, let rebalance = RDKafkaClientContext.from(opaque)?.rebalance else { return }
                rebalance.handle(rk, err: err, partitions: partitions)
            }
        case .producer:
            // Served by the producer's poll thread (rd_kafka_poll) and by rd_kafka_flush.
            rd_kafka_conf_set_dr_msg_cb(conf) { _, message, _ in
                guard let message else { return }
                RDKafkaDeliveryTicket.resolve(message)
            }
        case .mockCluster:
            break
        }
    }
}
