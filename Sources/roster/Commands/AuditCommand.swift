import ArgumentParser
import RosterWorker

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract:
            "Every vendor mutation Roster made and every operator action, for an employee or a job, with the time to revoke of each offboarding.",
        discussion:
            "Answers \"when was this leaver's access gone, everywhere?\". Shows vendor ids only, never emails or names."
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions

    @Option(help: "An employee (HR employee id).")
    var employee: String?

    @Option(help: "A job id.")
    var job: Int64?

    func validate() throws {
        if (employee == nil) == (job == nil) { throw ValidationError("give exactly one of --employee or --job") }
    }

    func run() async throws {
        try await global.withOperations { pool, _, _ in
            let reader = AuditReader(pool: pool)
            let report =
                if let job { try await reader.report(job: job) } else {
                    try await reader.report(employee: employee ?? "")
                }
            output.emit(table: report.rendered(colour: output.colour), json: report.json)
        }
    }
}
