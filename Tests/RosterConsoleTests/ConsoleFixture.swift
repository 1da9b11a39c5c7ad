import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import RosterConsole
import RosterCore
import RosterPostgres
import RosterTesting
import RosterWorker

/// A seeded database and a ``Console`` over it, driven through its router without a socket, by a
/// client that keeps the session cookie like a browser.
enum ConsoleFixture {
    /// Roster's configuration for the console: placeholder vendors, an unreachable Kafka.
    static func rosterConfiguration(databaseURL: String) throws -> RosterConfiguration {
        let url = try TestConfiguration.write(
            brokers: "127.0.0.1:1", databaseURL: databaseURL, topic: "hr.events", group: "roster")
        return try ConfigurationLoader(environment: [:]).load(path: url.path)
    }

    static func settings(readOnly: Bool = false, token: String? = nil) -> ConsoleConfiguration {
        ConsoleConfiguration(
            port: 0, readOnly: readOnly, token: token, defaultOperator: "tester", kafkaTimeout: .milliseconds(300))
    }

    /// Runs `body` with a client of a console over a freshly seeded database.
    static func withConsole(
        _ settings: ConsoleConfiguration = settings(),
        _ body: @escaping @Sendable (ConsoleClient, PostgresPool, ConsoleSeed.Jobs) async throws -> Void
    ) async throws {
        try await TestDatabase.withFreshPool { pool, url in
            let jobs = try await ConsoleSeed.seed(pool)
            let console = Console(
                configuration: settings, roster: try rosterConfiguration(databaseURL: url), pool: pool,
                logger: TestDatabase.logger)
            let app = Application(router: console.router())
            try await app.test(.router) { client in
                try await body(ConsoleClient(client: client), pool, jobs)
            }
        }
    }
}

/// A test client that keeps the console's cookie and reads CSRF tokens from pages.
final class ConsoleClient: @unchecked Sendable {
    // @unchecked: used by one test task at a time, sequentially.
    let client: any TestClientProtocol
    var cookie: String?

    init(client: any TestClientProtocol) {
        self.client = client
    }

    struct Page {
        var status: HTTPResponse.Status
        var headers: HTTPFields
        var body: String

        /// The value of the first `<input … name="NAME" value="…">`.
        func field(_ name: String) -> String? {
            guard let start = body.range(of: "name=\"\(name)\" value=\"") else { return nil }
            return String(body[start.upperBound...].prefix { $0 != "\"" })
        }

        /// The session's CSRF token (every page has it in `<meta name="csrf-token">`).
        var csrf: String? {
            guard let start = body.range(of: "<meta name=\"csrf-token\" content=\"") else { return nil }
            return String(body[start.upperBound...].prefix { $0 != "\"" })
        }
    }

    func get(_ uri: String, headers: HTTPFields = [:]) async throws -> Page {
        try await send(uri, method: .get, headers: headers, body: nil)
    }

    /// POSTs `fields` form-encoded.
    func post(_ uri: String, _ fields: [(String, String)], headers: HTTPFields = [:]) async throws -> Page {
        let body = fields.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        var headers = headers
        headers[.contentType] = "application/x-www-form-urlencoded"
        return try await send(uri, method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    private func send(
        _ uri: String, method: HTTPRequest.Method, headers: HTTPFields, body: ByteBuffer?
    ) async throws -> Page {
        var headers = headers
        if let cookie, headers[.cookie] == nil { headers[.cookie] = cookie }
        let response = try await client.execute(uri: uri, method: method, headers: headers, body: body)
        if let set = response.headers[.setCookie], let pair = set.split(separator: ";").first {
            cookie = String(pair)
        }
        return Page(status: response.status, headers: response.headers, body: String(buffer: response.body))
    }

    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
    }
}
