/// An `OpaquePointer` to a librdkafka object that may cross threads.
///
/// `@unchecked Sendable` is sound because: the wrapped pointer is immutable (`let`); it only ever
/// points at objects whose C API librdkafka documents as thread-safe (`rd_kafka_t`,
/// `rd_kafka_mock_cluster_t`: every call locks internally or posts an op to the owning thread); and
/// the owning `final class` frees the object in `deinit` only, when no other reference exists.
struct SendableOpaquePointer: @unchecked Sendable {
    let pointer: OpaquePointer
}

extension String {
    /// Decodes a NUL-terminated `errstr` buffer filled by a librdkafka call.
    init(errorBuffer buffer: [CChar]) {
        self = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }
}
