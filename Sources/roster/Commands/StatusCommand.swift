import ArgumentParser
import Logging
import RosterWorker

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract:
            "Consumer lag per partition, jobs by state, the oldest queued job, vendor limiters and breakers, the last 24 h's dead jobs and dead letters.",
        discussion:
            "Kafka is read without joining the consumer group (no rebalance). When Kafka cannot be reached, that is reported and the rest is still printed (exit 0)."
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions

    @Option(help: "Seconds each Kafka request may take.")
    var kafkaTimeout = 5

    func run() async throws {
        try await global.withOperations { pool, configuration, logger in
            // An unreachable Kafka is part of the report; librdkafka's reconnect warnings would only repeat it.
            var logger = logger
            if global.logLevel == nil { logger.logLevel = .error }
            let report = try await StatusReader(pool: pool, configuration: configuration, logger: logger).report(
                kafkaTimeout: .seconds(kafkaTimeout))
            output.emit(table: report.rendered(colour: output.colour), json: report.json)
        }
    }
}
