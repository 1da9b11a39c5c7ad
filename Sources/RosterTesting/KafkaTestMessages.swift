import Foundation
import RosterKafka

/// Deterministic keyed messages with headers, for producing test data and checking it on the way out.
///
/// Message `i` has key `key-i`, value `value-i` and headers `index=i`, `source=roster-test`,
/// `empty=` (empty value) and `null` (null value).
public enum KafkaTestMessages {
    /// The records for messages `range` of `topic`.
    public static func records(topic: String, range: Range<Int>) -> [KafkaProducerRecord] {
        range.map { record(topic: topic, index: $0) }
    }

    /// The record for message `index`.
    public static func record(topic: String, index: Int) -> KafkaProducerRecord {
        KafkaProducerRecord(
            topic: topic, key: Data("key-\(index)".utf8), value: Data("value-\(index)".utf8),
            headers: headers(index: index))
    }

    /// The headers message `index` carries.
    public static func headers(index: Int) -> [KafkaHeader] {
        [
            KafkaHeader(key: "index", string: String(index)),
            KafkaHeader(key: "source", string: "roster-test"),
            KafkaHeader(key: "empty", value: Data()),
            KafkaHeader(key: "null", value: nil),
        ]
    }

    /// Produces messages `range` with one batch send and returns their delivery reports.
    ///
    /// - Throws: The first record's ``KafkaError`` if any record failed.
    @discardableResult
    public static func produce(
        _ range: Range<Int>, to topic: String, with producer: KafkaProducer
    ) async throws -> [KafkaDeliveryReport] {
        try await producer.send(records(topic: topic, range: range)).map { try $0.get() }
    }

    /// The `index` header of a test message.
    public static func index(of message: KafkaMessage) -> Int? {
        message.header("index").flatMap { Int(String(decoding: $0, as: UTF8.self)) }
    }

    /// Whether a consumed message is exactly message `index(of:)` as produced: key, value and
    /// headers intact.
    public static func isIntact(_ message: KafkaMessage) -> Bool {
        guard let index = index(of: message) else { return false }
        return message.key == Data("key-\(index)".utf8) && message.value == Data("value-\(index)".utf8)
            && message.headers == headers(index: index)
    }
}
