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
    /// Accepted events whose Kafka key is missing or is not their employee id. They are accepted
    /// (an offboarding must never be dead-lettered for its key), but they may sit on another
    /// partition than the employee's other events: Roster then orders them by arrival at Roster
    /// (or by `sequence`, where both events carry one), not by Kafka position.
    var withoutEmployeeKey = 0
    var messages: [KafkaMessage]

    init(messages: [KafkaMessage], decoder: HREventDecoder) {
        self.init(messages: messages, decoded: messages.map { Self.decode($0, decoder) })
    }

    private init(messages: [KafkaMessage], decoded: [Result<HREvent, EventRejection>]) {
        self.messages = messages
        var seen = Set<String>()
        for (message, result) in zip(messages, decoded) {
            switch result {
            case .success(let event):
                if seen.insert(event.id).inserted {
                    accepted.append(Accepted(event: event, message: message))
                    if message.key.map({ String(decoding: $0, as: UTF8.self) }) != event.employee.id {
                        withoutEmployeeKey += 1
                    }
                } else {
                    duplicatesInBatch[event.id, default: 0] += 1
                }
            case .failure(let rejection):
                rejected.append(
                    Rejected(message: message, rejection: rejection, eventID: Self.eventID(in: message.value)))
            }
        }
    }

    /// Decodes a large batch on every core (parsing is the CPU-heavy part of ingest), keeping
    /// the batch's order.
    static func decodeConcurrently(messages: [KafkaMessage], decoder: HREventDecoder) async -> IngestBatch {
        let chunks = max(1, min(ProcessInfo.processInfo.activeProcessorCount, messages.count / 250))
        guard chunks > 1 else { return IngestBatch(messages: messages, decoder: decoder) }
        let size = (messages.count + chunks - 1) / chunks
        let parts = await withTaskGroup(of: (Int, [Result<HREvent, EventRejection>]).self) { group in
            for index in 0..<chunks {
                let slice = Array(messages[min(index * size, messages.count)..<min((index + 1) * size, messages.count)])
                group.addTask { (index, slice.map { decode($0, decoder) }) }
            }
            var parts: [Int: [Result<HREvent, EventRejection>]] = [:]
            for await (index, part) in group { parts[index] = part }
            return parts
        }
        return IngestBatch(messages: messages, decoded: (0..<chunks).flatMap { parts[$0] ?? [] })
    }

    /// The key is not checked here: a missing or foreign key is counted (``withoutEmployeeKey``),
    /// never a reason to refuse the event.
    static func decode(_ message: KafkaMessage, _ decoder: HREventDecoder) -> Result<HREvent, EventRejection> {
        do {
            return .success(try decoder.decode(message.value))
        } catch {
            return .failure(error)
        }
    }

    /// Best effort: the `id` of a JSON object, for dead letters of events that fail validation.
    static func eventID(in value: Data) -> String? {
        guard value.count <= 1 << 20, let document = try? JSONParser().parse(value) else { return nil }
        guard let id = document["id"]?.stringValue, !id.isEmpty, id.utf8.count <= 256, !id.utf8.contains(0) else {
            return nil
        }
        return id
    }
}
