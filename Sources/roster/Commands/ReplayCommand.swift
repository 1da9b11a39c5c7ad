import ArgumentParser
import RosterCore
import RosterPostgres
import RosterWorker

struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Run dead (or cancelled) jobs again, by id or by filter, resuming from the failed step.",
        discussion: """
            Steps already done stay done; the failed step runs again with a fresh retry budget (its earlier attempts stay in the history). \
            --from-start drops the plan so the executor plans the job again from the current configuration. \
            An onboarding or change of an employee whose offboarding came later is refused. \
            More than \(JobReplayer.bulkThreshold) jobs need --yes. Each replay is audited with the operator and reason.
            Example: roster replay --status dead --vendor posthog --since 2h --reason "PostHog outage over" --dry-run
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var selection: JobSelectionOptions
    @OptionGroup var who: OperatorOptions
    @OptionGroup var output: OutputOptions

    @Flag(help: "Print each job and the vendor calls it would make; change nothing.")
    var dryRun = false

    @Flag(help: "Re-plan from the current configuration instead of resuming (also allowed for succeeded jobs).")
    var fromStart = false

    @Flag(help: "Confirm a bulk replay of more than \(JobReplayer.bulkThreshold) jobs.")
    var yes = false

    func run() async throws {
        let action = try who.action()
        let filter = try selection.filter()
        let outcomes = try await global.withOperations { pool, configuration, _ in
            let jobs = try await JobSelectionOptions.jobs(filter, pool: pool)
            let outcomes = try await JobReplayer(pool: pool, configuration: configuration)
                .replay(jobs, options: .init(fromStart: fromStart, dryRun: dryRun), by: action, confirmed: yes)
            output.emit(
                table: OperationRendering.replay(outcomes, dryRun: dryRun, fromStart: fromStart),
                json: .object([
                    "dry_run": .bool(dryRun), "from_start": .bool(fromStart), "jobs": .array(outcomes.map(\.json)),
                ])
            )
            return outcomes
        }
        if outcomes.contains(where: \.isRefused) { throw ExitCode.failure }
    }
}
