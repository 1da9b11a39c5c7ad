import Foundation
import RosterCore
import RosterKafka

/// One polled batch, decoded: the new-looking events (first occurrence of each id in the batch)
/// and the messages that cannot become jobs.
struct IngestBatch: Sendable {
    struct Accepted: Sendable {
        var event: HREvent
        var message: KafkaMessage
    }

    struct Rejected: Sendable {
        var message: KafkaMessage
        var rejection: EventRejection
        /// The event id, when the message was JSON with a string `id`.
        var eventID: String?
    }

    var accepted: [Accepted] = []
    var rejected: [Rejected] = []
    /// Messages whose event id already appeared earlier in this batch.
    var duplicatesInBatch: [String: Int] = [:]
    var messages: [KafkaMessage]

    init(messages: [KafkaMessage], decoder: HREventDecoder) {
        self.messages = messages
        var seen = Set<String>()
        for message in messages {
            let key = message.key.map { String(decoding: $0, as: UTF8.self) }
            do {
                let event = try decoder.decode(message.value, key: key)
                if seen.insert(event.id).inserted {
                    accepted.append(Accepted(event: event, message: message))
                } else {
                    duplicatesInBatch[event.id, default: 0] += 1
                }
            } catch {
                rejected.append(Rejected(message: message, rejection: error, eventID: Self.eventID(in: message.value)))
            }
        }
    }

    /// Best effort: the `id` of a JSON object, for dead letters of events that fail validation.
    static func eventID(in value: Data) -> String? {
        guard value.count <= 1 << 20, let document = try? JSONParser().parse(value) else { return nil }
        guard let id = document["id"]?.stringValue, !id.isEmpty, id.utf8.count <= 256, !id.utf8.contains(0) else { return nil }
        return id
    }
}
