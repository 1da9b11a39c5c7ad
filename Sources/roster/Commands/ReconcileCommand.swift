import ArgumentParser
import Foundation
import RosterWorker

struct ReconcileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "Compare what each vendor holds with what HR says, once, and act on the differences.",
        discussion: """
            Lists each vendor's members, pending invites, project memberships and API keys (at the lowest budget priority) and \
            compares them with every known employee's latest event. A leaver's access found anywhere gets a revocation job at that \
            vendor at once; missing, wrong or extra grants are reported, or fixed with a change job when reconcile.drift is fix; \
            accounts Roster knows nobody for are only reported. With --dry-run nothing is recorded and no job is created. \
            Shows vendor ids and employee ids only, never emails or names. Exit 1 when a vendor could not be listed.
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions

    @Option(help: "Only this vendor instance.")
    var vendor: String?

    @Flag(help: "Read and compare, but record nothing and create no job.")
    var dryRun = false

    func run() async throws {
        let failed = try await global.withOperations { pool, configuration, logger in
            do {
                return try await ReconcilePass.withPass(
                    configuration: configuration, pool: pool,
                    workerID: "cli-\(ProcessInfo.processInfo.processIdentifier)", logger: logger
                ) { pass in
                    let report = try await pass.run(vendor: vendor, dryRun: dryRun)
                    output.emit(table: report.rendered(colour: output.colour), json: report.json)
                    return report.passes.contains { $0.error != nil }
                }
            } catch let error as ReconcileError {
                throw CleanExit.message(error.description, code: .failure)
            }
        }
        if failed { throw ExitCode.failure }
    }
}
