import ArgumentParser
import Foundation
import RosterKafka

/// `roster dev kafka`: librdkafka's mock cluster as a standalone process, for benchmarks and for
/// exploring Roster without a Kafka broker. Prints the bootstrap servers; runs until SIGTERM/SIGINT.
struct DevKafkaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kafka",
        abstract: "Run librdkafka's mock Kafka cluster until interrupted (for benchmarks and local exploring)."
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "Number of mock brokers.")
    var brokers = 3

    @Option(name: .customLong("topic"), help: "A topic to create, as NAME:PARTITIONS (repeatable).")
    var topics: [String] = []

    @Option(help: "Also write the bootstrap servers to this file (written atomically once the cluster is up).")
    var bootstrapFile: String?

    func validate() throws {
        for topic in topics {
            let parts = topic.split(separator: ":")
            guard parts.count == 2, !parts[0].isEmpty, let n = Int32(parts[1]), n > 0 else {
                throw ValidationError("--topic must be NAME:PARTITIONS, got \(topic)")
            }
        }
    }

    func run() async throws {
        let logger = global.makeLogger(label: "roster.dev.kafka")
        let cluster = try KafkaMockCluster(brokers: brokers, logger: logger)
        for topic in topics {
            let parts = topic.split(separator: ":")
            try cluster.createTopic(String(parts[0]), partitions: Int32(parts[1])!, replicationFactor: 1)
        }
        if let bootstrapFile {
            let temporary = bootstrapFile + ".tmp"
            try (cluster.bootstrapServers + "\n").write(toFile: temporary, atomically: false, encoding: .utf8)
            _ = rename(temporary, bootstrapFile)
        }
        FileHandle.standardOutput.write(Data((cluster.bootstrapServers + "\n").utf8))
        await Signals.waitForTermination()
        withExtendedLifetime(cluster) {}
    }
}
