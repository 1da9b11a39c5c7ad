import ArgumentParser
import RosterCore
import RosterWorker

struct JobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs",
        abstract: "List jobs and show one job's event, plan, attempts and timeline.",
        subcommands: [JobsListCommand.self, JobsShowCommand.self]
    )
}

struct JobsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "Jobs, newest first, with filters.",
        discussion: "Example: roster jobs list --status dead --vendor posthog --since 2h"
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var filters: JobFilterOptions
    @OptionGroup var output: OutputOptions

    @Option(help: "At most this many jobs.")
    var limit = 50

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be at least 1") }
    }

    func run() async throws {
        let filter = try filters.filter(limit: limit)
        try await global.withOperations { pool, _, _ in
            let jobs = try await JobReader(pool: pool).list(filter)
            output.emit(
                table: JobRendering.list(jobs, colour: output.colour), json: .object(["jobs": .array(jobs.map(\.json))])
            )
        }
    }
}

struct JobsShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "One job: its event (without personal data), its plan with vendor ids, every attempt, as a timeline."
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: "The job id (a number; see roster jobs list).")
    var id: Int64

    func run() async throws {
        try await global.withOperations { pool, _, _ in
            let detail = try await JobReader(pool: pool).detail(id)
            output.emit(table: JobRendering.show(detail, colour: output.colour), json: detail.json)
        }
    }
}
