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
    @OptionGroup var filters: JobFilterOptions
    @OptionGroup var who: OperatorOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: "Job ids (or use filters).")
    var ids: [Int64] = []

    @Flag(help: "Print each job and the vendor calls it would make; change nothing.")
    var dryRun = false

    @Flag(help: "Re-plan from the current configuration instead of resuming (also allowed for succeeded jobs).")
    var fromStart = false

    @Flag(help: "Confirm a bulk replay of more than \(JobReplayer.bulkThreshold) jobs.")
    var yes = false

    @Option(help: "At most this many jobs by filter.")
    var limit = 1000

    func validate() throws {
        try JobSelection.validate(ids: ids, filters: filters)
    }

    func run() async throws {
        let action = try who.action()
        let filter = try filters.filter(ids: ids, limit: ids.isEmpty ? limit : ids.count)
        let outcomes = try await global.withOperations { pool, configuration, _ in
            let jobs = try await JobSelection.jobs(filter, pool: pool)
            let outcomes = try await JobReplayer(pool: pool, configuration: configuration)
                .replay(jobs, options: .init(fromStart: fromStart, dryRun: dryRun), by: action, confirmed: yes)
            output.emit(
                table: OperationRendering.replay(outcomes, dryRun: dryRun, fromStart: fromStart),
                json: .object(["dry_run": .bool(dryRun), "from_start": .bool(fromStart), "jobs": .array(outcomes.map(\.json))])
            )
            return outcomes
        }
        if outcomes.contains(where: \.isRefused) { throw ExitCode.failure }
    }
}

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
    @OptionGroup var filters: JobFilterOptions
    @OptionGroup var who: OperatorOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: "Job ids (or use filters).")
    var ids: [Int64] = []

    @Flag(help: "Print what would be cancelled; change nothing.")
    var dryRun = false

    @Flag(help: "Confirm cancelling an offboarding, or more than \(JobReplayer.bulkThreshold) jobs.")
    var yes = false

    @Option(help: "At most this many jobs by filter.")
    var limit = 1000

    func validate() throws {
        try JobSelection.validate(ids: ids, filters: filters)
    }

    func run() async throws {
        let action = try who.action()
        let filter = try filters.filter(ids: ids, limit: ids.isEmpty ? limit : ids.count)
        let outcomes = try await global.withOperations { pool, _, _ in
            let jobs = try await JobSelection.jobs(filter, pool: pool)
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

/// Ids or filters, never neither: a bare `roster replay --reason …` must not mean "everything".
enum JobSelection {
    static func validate(ids: [Int64], filters: JobFilterOptions) throws {
        let hasFilter = !filters.status.isEmpty || !filters.type.isEmpty || filters.vendor != nil || filters.employee != nil
            || filters.since != nil || filters.until != nil
        if ids.isEmpty, !hasFilter { throw ValidationError("give job ids, or a filter (--status, --type, --vendor, --employee, --since, --until)") }
        if !ids.isEmpty, hasFilter { throw ValidationError("give job ids or filters, not both") }
    }

    /// The jobs to act on; every explicit id must exist, or nothing is done.
    static func jobs(_ filter: JobFilter, pool: PostgresPool) async throws -> [JobRecord] {
        let jobs = try await JobReader(pool: pool).list(filter)
        let missing = filter.ids.filter { id in !jobs.contains { $0.id == id } }
        if !missing.isEmpty {
            throw OperationsError(.notFound, "job\(missing.count == 1 ? "" : "s") \(missing.map(String.init).joined(separator: ", ")) do\(missing.count == 1 ? "es" : "") not exist; nothing was done")
        }
        return filter.ids.isEmpty ? jobs : filter.ids.compactMap { id in jobs.first { $0.id == id } }
    }
}
