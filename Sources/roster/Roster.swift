import ArgumentParser
import Foundation

@main
struct Roster: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roster",
        abstract: "HR-driven access provisioning: the worker, and the operator's tool.",
        discussion: """
            Exit codes: 0 ok, 1 failure, 2 usage error.
            Configuration: --config FILE or ROSTER_CONFIG, plus ROSTER_KAFKA_BROKERS, ROSTER_DATABASE_URL, ROSTER_HTTP_LISTEN.
            """,
        subcommands: [
            WorkerCommand.self, MigrateCommand.self, PublishCommand.self, JobsCommand.self, StatusCommand.self,
            ReplayCommand.self, CancelCommand.self, HoldsCommand.self, DLQCommand.self, AuditCommand.self,
            DoctorCommand.self,
            ReconcileCommand.self, EvidenceCommand.self, ConsoleCommand.self, DevCommand.self,
        ]
    )

    /// ArgumentParser's own entry point, except that usage errors exit 2 (the documented code)
    /// rather than its default 64 (EX_USAGE).
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
