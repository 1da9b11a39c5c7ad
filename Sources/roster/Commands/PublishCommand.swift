import ArgumentParser
import Foundation
import RosterCore
import RosterKafka

struct PublishCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Validate HR events from a file (a JSON array, or one event per line) and produce them to the topic.",
        discussion:
            "Every event is validated before anything is produced: one invalid event and nothing is sent. Events are keyed by employee id."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The file of events, or - for standard input.")
    var file: String

    @Flag(help: "Validate only; produce nothing.")
    var dryRun = false

    @Option(help: "Topic (default: kafka.topic from the configuration).")
    var topic: String?

    @Flag(
        help: ArgumentHelp(
            "Produce every entry as it is, valid or not, keyed by its employee id when it has one (to exercise dead-lettering).",
            visibility: .hidden))
    var unchecked = false

    func run() async throws {
        let configuration = try global.loadConfiguration()
        let logger = global.makeLogger(label: "roster.publish")
        let bytes: [UInt8]
        do {
            bytes =
                file == "-"
                ? Array(FileHandle.standardInput.readDataToEndOfFile())
                : Array(try Data(contentsOf: URL(fileURLWithPath: file)))
        } catch {
            throw CleanExit.message("cannot read \(file): \(error.localizedDescription)", code: .failure)
        }
        let entries: [EventFile.Entry]
        do {
            entries = try EventFile.entries(bytes)
        } catch {
            throw CleanExit.message("\(file): \(error)", code: .failure)
        }
        let decoder = HREventDecoder(
            maximumSize: configuration.ingest.maxMessageBytes,
            knownVendors: configuration.vendors.isEmpty ? nil : Set(configuration.vendors.keys)
        )
        var records: [KafkaProducerRecord] = []
        var invalid = 0
        let target = topic ?? configuration.kafka.topic
        for (index, entry) in entries.enumerated() {
            do {
                let event = try decoder.decode(entry.bytes)
                records.append(
                    KafkaProducerRecord(topic: target, key: Data(event.employee.id.utf8), value: Data(entry.bytes)))
            } catch {
                if unchecked {
                    let key = (try? JSONParser().parse(entry.bytes))?["data"]?["employee"]?["id"]?.stringValue
                    records.append(
                        KafkaProducerRecord(topic: target, key: key.map { Data($0.utf8) }, value: Data(entry.bytes)))
                    continue
                }
                invalid += 1
                FileHandle.standardError.write(Data("line \(entry.line) (event \(index + 1)): \(error)\n".utf8))
            }
        }
        if invalid > 0 {
            throw CleanExit.message(
                "\(invalid) of \(entries.count) events are invalid; nothing was produced", code: .failure)
        }
        if dryRun {
            print("\(records.count) events are valid (dry run: nothing produced)")
            return
        }
        guard !records.isEmpty else {
            print("no events in \(file)")
            return
        }
        let producer = try KafkaProducer.make(
            configuration: KafkaProducerConfiguration(bootstrapServers: configuration.kafka.brokers), logger: logger)
        let results: [Result<KafkaDeliveryReport, KafkaError>]
        do {
            results = try await producer.send(records)
        } catch {
            await producer.close()
            throw CleanExit.message("producing to \(target) failed: \(error)", code: .failure)
        }
        await producer.close()
        var failures: [String: Int] = [:]
        for case .failure(let error) in results { failures[error.description, default: 0] += 1 }
        let delivered = results.count - failures.values.reduce(0, +)
        if !failures.isEmpty {
            let summary = failures.map { "\($0.value) × \($0.key)" }.sorted().joined(separator: "; ")
            throw CleanExit.message(
                "delivered \(delivered) of \(records.count) events to \(target); failed: \(summary)", code: .failure)
        }
        print("delivered \(delivered) event\(delivered == 1 ? "" : "s") to \(target)")
    }
}
