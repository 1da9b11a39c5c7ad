import ArgumentParser

/// `roster dev`: the whole demo on embedded defaults (``DevDemoCommand``, the default), plus its
/// parts as standalone processes for benchmarks and exploring.
struct DevCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev",
        abstract:
            "Run Roster end to end on embedded defaults (private Postgres, mock Kafka, fake vendors), or one of its parts.",
        subcommands: [DevDemoCommand.self, DevKafkaCommand.self, DevFakesCommand.self],
        defaultSubcommand: DevDemoCommand.self
    )
}
