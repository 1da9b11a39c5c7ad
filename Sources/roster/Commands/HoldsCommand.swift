import ArgumentParser
import RosterCore
import RosterWorker

struct HoldsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "holds",
        abstract: "Offboardings held by the mass-offboarding brake: list them, release them, or cancel them.",
        discussion: """
            When more offboardings are recorded in the brake's window than its limit (brake: in the configuration), the \
            ones beyond it are created held: they revoke nothing and block the same employee's later jobs until a person \
            decides. Release them if the leavers are real; cancel them if the HR data was wrong. Every decision is audited.
            """,
        subcommands: [HoldsListCommand.self, HoldsReleaseCommand.self, HoldsCancelCommand.self]
    )
}

struct HoldsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Held offboardings, oldest first.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions

    @Option(help: "At most this many.")
    var limit = 1000

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be at least 1") }
    }

    func run() async throws {
        try await global.withOperations { pool, _, _ in
            let (jobs, total) = try await JobHolds(pool: pool).list(limit: limit)
            output.emit(
                table: OperationRendering.holds(jobs, total: total, colour: output.colour),
                json: .object(["total": .number(String(total)), "held_jobs": .array(jobs.map(\.json))])
            )
        }
    }
}

/// What `release` and `cancel` share: ids or `--all`, `--reason`, `--dry-run`.
struct HoldDecisionOptions: ParsableArguments {
    @Argument(help: "Held job ids (see roster holds list), or --all.")
    var ids: [Int64] = []

    @Flag(help: "Every job held when the command runs.")
    var all = false

    @Flag(help: "Print what would be done; change nothing.")
    var dryRun = false

    func validate() throws {
        if ids.isEmpty, !all { throw ValidationError("give held job ids, or --all") }
        if !ids.isEmpty, all { throw ValidationError("give held job ids or --all, not both") }
    }

    var selection: JobHolds.Selection { all ? .all : .ids(ids) }
}

extension HoldDecisionOptions {
    /// Runs `decision` and prints it; exit 1 when any job was refused.
    func run(_ decision: HoldDecision, global: GlobalOptions, who: OperatorOptions, output: OutputOptions) async throws
    {
        let action = try who.action()
        let outcomes = try await global.withOperations { pool, _, _ in
            let outcomes = try await JobHolds(pool: pool).decide(decision, selection, dryRun: dryRun, by: action)
            output.emit(
                table: OperationRendering.holdDecisions(outcomes, decision: decision, dryRun: dryRun),
                json: .object(["dry_run": .bool(dryRun), "jobs": .array(outcomes.map(\.json))])
            )
            return outcomes
        }
        if outcomes.contains(where: \.isRefused) { throw ExitCode.failure }
    }
}

struct HoldsReleaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "release",
        abstract: "Queue held offboardings: the leavers are real; their access is removed now.",
        discussion: "Example: roster holds release --all --reason \"reorganisation confirmed by HR\" --dry-run"
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var decision: HoldDecisionOptions
    @OptionGroup var who: OperatorOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await decision.run(.released, global: global, who: who, output: output)
    }
}

struct HoldsCancelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Cancel held offboardings: the HR data was wrong; nobody loses access.",
        discussion: """
            A cancelled hold is void: it revokes nothing, and the leaver rule no longer counts it, so the employee's later \
            changes grant again. Jobs of the employee it had ended are listed; bring them back with roster replay. \
            Example: roster holds cancel --all --reason "HR export bug, ticket HR-123"
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var decision: HoldDecisionOptions
    @OptionGroup var who: OperatorOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await decision.run(.cancelled, global: global, who: who, output: output)
    }
}
