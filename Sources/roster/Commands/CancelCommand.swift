import ArgumentParser
import RosterCore
import RosterWorker

struct CancelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Stop queued, retrying or running jobs, by id or by filter.",
        discussion: """
            Queued and retrying jobs are cancelled at once. A running job is cancelled cooperatively: the worker finishes \
            the vendor call in flight, records it, and lets go before its next step. Cancelling an offboarding (it leaves a \
            leaver's access in place) or more than \(JobReplayer.bulkThreshold) jobs needs --yes. Each cancellation is audited.
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var selection: JobSelectionOptions
    @OptionGroup var who: OperatorOptions
    @OptionGroup var output: OutputOptions

    @Flag(help: "Print what would be cancelled; change nothing.")
    var dryRun = false

    @Flag(help: "Confirm cancelling an offboarding, or more than \(JobReplayer.bulkThreshold) jobs.")
    var yes = false

    func run() async throws {
        let action = try who.action()
        let filter = try selection.filter()
        let outcomes = try await global.withOperations { pool, _, _ in
            let jobs = try await JobSelectionOptions.jobs(filter, pool: pool)
            let outcomes = try await JobCanceller(pool: pool).cancel(jobs, dryRun: dryRun, by: action, confirmed: yes)
            output.emit(
                table: OperationRendering.cancel(outcomes, dryRun: dryRun),
                json: .object(["dry_run": .bool(dryRun), "jobs": .array(outcomes.map(\.json))])
            )
            return outcomes
        }
        if outcomes.contains(where: \.isRefused) { throw ExitCode.failure }
    }
}
