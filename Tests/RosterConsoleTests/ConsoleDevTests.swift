import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import RosterTesting
import Testing

/// `roster dev --keep` starts the console too and prints its URL. `roster dev` starts its own
/// private PostgreSQL (as `RosterDevTests` has it), so this long test holds no lock on the test
/// server and delays no test that restarts it.
@Suite(.timeLimit(.minutes(4)))
struct ConsoleDevTests {
    @Test(.enabled(if: PrivatePostgresAvailable.check, "no PostgreSQL server binaries in /usr/lib/postgresql/*/bin"))
    func rosterDevKeepServesTheConsoleAndPrintsItsURL() async throws {
        do {
            let dev = try RosterProcess(
                ["dev", "--keep", "--timeout", "120"],
                environment: [
                    "ROSTER_DATABASE_URL": "", "ROSTER_HTTP_LISTEN": "127.0.0.1:0", "ROSTER_CONFIG": "",
                    "TMPDIR": TestWorkDirectory.url.path,
                ],
                name: "dev-keep"
            )
            var consoleURL: String?
            for _ in 0..<1800 {
                let log = (try? String(contentsOf: dev.logURL, encoding: .utf8)) ?? ""
                if let range = log.range(of: "dev: operator console at ") {
                    consoleURL = String(log[range.upperBound...].prefix { !$0.isWhitespace })
                    break
                }
                guard dev.isRunning else { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            let log = (try? String(contentsOf: dev.logURL, encoding: .utf8)) ?? ""
            let address = try #require(consoleURL, "\(log.suffix(3000))")
            #expect(address.hasPrefix("http://127.0.0.1:"))
            let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: address), timeout: .seconds(30))
            let body = String(buffer: try await response.body.collect(upTo: 4 * 1024 * 1024))
            #expect(response.status.code == 200)
            #expect(body.contains("Needs a person") && body.contains("Jobs by state"), "\(body.prefix(2000))")
            #expect(!body.contains("@"))
            dev.kill(SIGTERM)
            #expect(
                await dev.waitForExit(timeout: .seconds(60)) == 0,
                "\((try? String(contentsOf: dev.logURL, encoding: .utf8))?.suffix(2000) ?? "")")
        }
    }
}
