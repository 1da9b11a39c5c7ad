import ArgumentParser
import Foundation
import RosterCore
import RosterWorker

struct EvidenceCommand: AsyncParsableCommand {
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case csv, json
    }

    static let configuration = CommandConfiguration(
        commandName: "evidence",
        abstract: "Export, for auditors, when each leaver's access was revoked and verified gone at each vendor.",
        discussion: """
            One row per offboarding and vendor: employee id, vendor, event time, revoked at, the verification's result and \
            time (no access in listings made at or after it), and residual access the vendor's API cannot remove. No names, \
            no emails.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(
        help: "Offboardings whose HR event time is at or after this: a duration back (30d, 12h) or an RFC 3339 time.")
    var since = "30d"

    @Option(help: "csv or json.")
    var output: Format = .csv

    func run() async throws {
        try await global.withOperations { pool, _, _ in
            let bound = try TimeBound.parse(since, now: Timestamp(secondsSince1970: Date().timeIntervalSince1970))
            let report = try await EvidenceReport.read(since: bound, pool: pool)
            FileHandle.standardOutput.write(Data((output == .csv ? report.csv : JSONOutput.render(report.json)).utf8))
        }
    }
}
