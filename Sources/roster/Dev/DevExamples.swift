import Foundation
import Logging
import RosterCore
import RosterKafka

/// Publishes `schemas/examples`: every `valid/*.json` event, then every `invalid/` and
/// `rejected/` file as it is (to be dead-lettered), keyed by employee id where there is one.
enum DevExamples {
    struct Published {
        var valid: Int
        var invalid: Int
    }

    static func publish(from directory: URL, brokers: String, topic: String, logger: Logger) async throws -> Published {
        func files(_ name: String) -> [URL] {
            let folder = directory.appendingPathComponent(name)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            return names.filter { $0.hasSuffix(".json") }.sorted().map { folder.appendingPathComponent($0) }
        }
        let valid = files("valid")
        let invalid = files("invalid") + files("rejected")
        guard !valid.isEmpty else { throw DevError("no example events in \(directory.path)/valid") }
        func record(_ file: URL) throws -> KafkaProducerRecord {
            let bytes = try Data(contentsOf: file)
            let key = (try? JSONParser().parse(Array(bytes)))?["data"]?["employee"]?["id"]?.stringValue
            return KafkaProducerRecord(topic: topic, key: key.map { Data($0.utf8) }, value: bytes)
        }
        let producer = try KafkaProducer.make(
            configuration: KafkaProducerConfiguration(bootstrapServers: brokers), logger: logger)
        // Valid events first and in file order: they tell one story (a joiner, a change, a leaver).
        var failures = 0
        for batch in [valid, invalid] {
            let results = try await producer.send(try batch.map(record))
            failures += results.count { if case .failure = $0 { true } else { false } }
        }
        await producer.close()
        guard failures == 0 else { throw DevError("\(failures) example events were not delivered to the mock cluster") }
        return Published(valid: valid.count, invalid: invalid.count)
    }
}

/// A `roster dev` failure with a sentence to print.
struct DevError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
