internal import CRdkafka
import Foundation

/// Enqueues one record with `rd_kafka_produceva`.
///
/// `rd_kafka_producev` is C-variadic and cannot be called from Swift; `rd_kafka_produceva` takes
/// the same tagged values as an `rd_kafka_vu_t` array.
enum RDKafkaProduce {
    /// Returns `nil` once the message is enqueued (librdkafka then owns the headers and the
    /// ticket's +1 reference), or the error.
    static func produce(
        _ rk: OpaquePointer, _ record: KafkaProducerRecord, ticket: RDKafkaDeliveryTicket
    )
        -> KafkaError?
    {
        let opaque = ticket.retainedOpaque()
        let headers = makeHeaders(record.headers)
        let error: OpaquePointer? = record.topic.withCString { topic in
            withPayload(record.value) { value, valueCount in
                withOptionalPayload(record.key) { key, keyCount in
                    withUnsafeTemporaryAllocation(of: rd_kafka_vu_t.self, capacity: 7) { values in
                        var count = 0
                        func append(_ type: rd_kafka_vtype_t, _ fill: (inout rd_kafka_vu_t) -> Void) {
                            var value = rd_kafka_vu_t()
                            value.vtype = type
                            fill(&value)
                            values.initializeElement(at: count, to: value)
                            count += 1
                        }
                        append(RD_KAFKA_VTYPE_TOPIC) { $0.u.cstr = topic }
                        if let partition = record.partition {
                            append(RD_KAFKA_VTYPE_PARTITION) { $0.u.i32 = partition }
                        }
                        append(RD_KAFKA_VTYPE_VALUE) {
                            $0.u.mem.ptr = value
                            $0.u.mem.size = valueCount
                        }
                        if let key {
                            append(RD_KAFKA_VTYPE_KEY) {
                                $0.u.mem.ptr = key
                                $0.u.mem.size = keyCount
                            }
                        }
                        append(RD_KAFKA_VTYPE_OPAQUE) { $0.u.ptr = opaque }
                        // F_COPY: librdkafka copies key and value, whose buffers live only for this call.
                        append(RD_KAFKA_VTYPE_MSGFLAGS) { $0.u.i = RD_KAFKA_MSG_F_COPY }
                        if let headers { append(RD_KAFKA_VTYPE_HEADERS) { $0.u.headers = headers } }
                        // rd_kafka_vu_t is a trivial C struct: nothing to deinitialize.
                        return rd_kafka_produceva(rk, values.baseAddress, count)
                    }
                }
            }
        }
        guard let error else { return nil }
        // On failure the headers list and the ticket's +1 are still ours (rd_kafka_produceva
        // detaches application headers from the message before destroying it).
        if let headers { rd_kafka_headers_destroy(headers) }
        RDKafkaDeliveryTicket.release(opaque)
        return KafkaError.consuming(.produceFailed, error)
    }

    /// A headers list (values copied), or `nil` for none. Ownership passes to librdkafka only when
    /// `rd_kafka_produceva` succeeds.
    private static func makeHeaders(_ headers: [KafkaHeader]) -> OpaquePointer? {
        guard !headers.isEmpty else { return nil }
        let list = rd_kafka_headers_new(headers.count)!
        for header in headers {
            // rd_kafka_header_add copies name and value; a NULL value is a null header.
            withOptionalPayload(header.value) { value, count in
                _ = rd_kafka_header_add(list, header.key, -1, value, count)
            }
        }
        return list
    }

    /// Lends `data`'s bytes. Empty data gets a valid pointer, so Kafka stores an empty value, not null.
    private static func withPayload<T>(_ data: Data, _ body: (UnsafeMutableRawPointer, Int) -> T) -> T {
        if data.isEmpty {
            var empty: UInt8 = 0
            return withUnsafeMutableBytes(of: &empty) { body($0.baseAddress!, 0) }
        }
        return data.withUnsafeBytes { body(UnsafeMutableRawPointer(mutating: $0.baseAddress!), $0.count) }
    }

    /// Like ``withPayload(_:_:)``, lending `nil` for `nil`.
    private static func withOptionalPayload<T>(_ data: Data?, _ body: (UnsafeMutableRawPointer?, Int) -> T) -> T {
        guard let data else { return body(nil, 0) }
        return withPayload(data) { body($0, $1) }
    }
}
