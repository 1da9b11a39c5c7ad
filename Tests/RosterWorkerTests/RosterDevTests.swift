import Foundation
import RosterTesting
import Testing

/// `roster dev` end to end as a new user runs it: a real process that starts its own private
/// PostgreSQL, mock Kafka cluster and fake vendors, publishes the examples, and prints a settled
/// job table, the dead letters and the commands to look further.
@Suite(.serialized, .timeLimit(.minutes(4)))
struct RosterDevTests {
    @Test(.enabled(if: PrivatePostgresAvailable.check, "no PostgreSQL server binaries in /usr/lib/postgresql/*/bin"))
    func rosterDevReachesASettledJobTableOnEmbeddedDefaults() async throws {
        let (status, output) = try await RosterProcess.run(
            ["dev", "--timeout", "120"],
            // Its own private Postgres (not the test server), and a free ops port.
            // TMPDIR: its directory (and server) live under the test run's, which ops/test cleans up.
            environment: [
                "ROSTER_DATABASE_URL": "", "ROSTER_HTTP_LISTEN": "127.0.0.1:0", "ROSTER_CONFIG": "",
                "TMPDIR": TestWorkDirectory.url.path,
            ],
            timeout: .seconds(180)
        )
        #expect(status == 0, "\(output.suffix(4000))")
        #expect(output.contains("dev: private PostgreSQL at 127.0.0.1:"), "\(output.prefix(2000))")
        #expect(output.contains("dev: published 5 valid and 12 invalid example events"))
        #expect(output.contains("dev: every job settled"), "\(output.suffix(4000))")

        // The job table: five jobs from the five valid examples, every one settled.
        let lines = output.split(separator: "\n").map(String.init)
        let jobsStart = try #require(lines.firstIndex(of: "Jobs"))
        let lettersStart = try #require(lines.firstIndex(of: "Dead letters"))
        #expect(lines[jobsStart + 1].hasPrefix("ID  EVENT"), "\(lines[jobsStart + 1])")
        let jobRows = lines[(jobsStart + 2)..<lettersStart].filter { !$0.isEmpty }
        #expect(jobRows.count == 5, "\(jobRows)")
        for row in jobRows {
            let columns = row.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            #expect(columns.count >= 5 && ["succeeded", "cancelled"].contains(columns[4]), "\(row)")
        }
        #expect(jobRows.contains { $0.contains("offboarding") && $0.contains("succeeded") })
        #expect(jobRows.contains { $0.contains("cancelled") && $0.contains("superseded by offboarding") })

        // Twelve dead letters with readable reasons, then the vendor mutations and what to try next.
        let auditStart = try #require(lines.firstIndex(of: "Vendor mutations (audit log)"))
        let letterRows = lines[(lettersStart + 2)..<auditStart].filter { !$0.isEmpty }
        #expect(letterRows.count == 12, "\(letterRows)")
        #expect(letterRows.contains { $0.contains("data.employee.email: missing") })
        #expect(lines[auditStart...].contains { $0.hasPrefix("openai") && $0.contains("create_invite") })
        for command in ["roster jobs list", "roster status", "roster dlq list", "roster audit --employee", "/metrics"] {
            #expect(output.contains(command), "suggests \(command)")
        }
        // Torn down: nothing left behind (the temporary directory named in the output is gone).
        if let match = output.firstMatch(of: /source (\S+)\/env/) {
            #expect(!FileManager.default.fileExists(atPath: String(match.1)), "the work directory is removed")
        }
    }
}
