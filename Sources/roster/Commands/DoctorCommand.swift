import ArgumentParser
import Foundation
import RosterWorker

struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract:
            "Check every configured vendor: its key, its real roles, every configured role resolved against them, and its rate budget.",
        discussion: """
            One read call per vendor with its key (Confident AI: its organization and project roles too); nothing is changed. \
            Roles named by a vendor's `roles:` mapping or the policy that the vendor lacks fail, with the closest existing role \
            suggested; Roster's default mappings that do not resolve are warnings. Exit 1 when a key is missing, refused or \
            unreachable or a configured role does not resolve; 0 otherwise. Needs no database or Kafka.
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions

    @Option(help: "Seconds each vendor request may take.")
    var timeout = 10

    func validate() throws {
        guard (1...600).contains(timeout) else { throw ValidationError("--timeout: between 1 and 600 seconds") }
    }

    func run() async throws {
        let configuration = try global.loadConfiguration()
        _ = global.makeLogger(label: "roster.doctor")
        let report = await VendorDoctor.run(
            configuration: configuration, environment: ProcessInfo.processInfo.environment, timeout: .seconds(timeout)
        )
        output.emit(table: report.rendered(colour: output.colour), json: report.json)
        if !report.ok { throw ExitCode.failure }
    }
}
