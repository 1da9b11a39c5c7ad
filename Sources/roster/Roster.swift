import ArgumentParser

@main
struct Roster: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roster",
        abstract: "HR-driven access provisioning: the worker, and the operator's tool.",
        discussion: """
            Exit codes: 0 ok, 1 failure, 2 usage error.
            Configuration: --config FILE or ROSTER_CONFIG, plus ROSTER_KAFKA_BROKERS, ROSTER_DATABASE_URL, ROSTER_HTTP_LISTEN.
            """,
        subcommands: [WorkerCommand.self, MigrateCommand.self, PublishCommand.self, DevCommand.self]
    )
}
