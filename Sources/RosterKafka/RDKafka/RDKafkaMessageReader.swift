internal import CRdkafka
import Foundation

/// Copies consumed `rd_kafka_message_t`s into ``KafkaMessage`` values.
///
/// One reader lives for one poll batch. It remembers the last topic name so a batch from one topic
/// converts the name once, and it allocates a headers array only for messages that have headers.
struct RDKafkaMessageReader {
    private var lastTopicC: [CChar] = [0]
    private var lastTopic = ""

    /// Reads a message whose `err` is `RD_KAFKA_RESP_ERR_NO_ERROR`. The caller destroys it.
    mutating func read(_ message: UnsafeMutablePointer<rd_kafka_message_t>) -> KafkaMessage {
        let m = message.pointee
        let key = m.key.map { Data(bytes: $0, count: m.key_len) }
        let value = m.payload.map { Data(bytes: $0, count: m.len) } ?? Data()

        var timestampType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let milliseconds = rd_kafka_message_timestamp(message, &timestampType)
        let timestamp =
            timestampType == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
            ? nil : Date(timeIntervalSince1970: Double(milliseconds) / 1000)

        return KafkaMessage(
            topic: topicName(m.rkt), partition: m.partition, offset: m.offset, key: key, value: value,
            headers: Self.headers(of: message), timestamp: timestamp)
    }

    private mutating func topicName(_ rkt: OpaquePointer?) -> String {
        guard let rkt, let name = rd_kafka_topic_name(rkt) else { return "" }
        // Compare by content, not by pointer: cheap, and immune to a topic object being reused.
        if strcmp(name, lastTopicC) != 0 {
            lastTopic = String(cString: name)
            lastTopicC = Array(UnsafeBufferPointer(start: name, count: strlen(name) + 1))
        }
        return lastTopic
    }

    static func headers(of message: UnsafeMutablePointer<rd_kafka_message_t>) -> [KafkaHeader] {
        var headers: OpaquePointer?
        // The headers list stays owned by the message (rd_kafka_message_headers, not _detach_).
        guard rd_kafka_message_headers(message, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR, let headers else {
            return []
        }
        let count = rd_kafka_header_cnt(headers)
        var result: [KafkaHeader] = []
        result.reserveCapacity(count)
        for index in 0..<count {
            var name: UnsafePointer<CChar>?
            var value: UnsafeRawPointer?
            var size = 0
            guard rd_kafka_header_get_all(headers, index, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR,
                let name
            else { continue }
            result.append(KafkaHeader(key: String(cString: name), value: value.map { Data(bytes: $0, count: size) }))
        }
        return result
    }
}
