import ArgumentParser
import Foundation
import Logging
import RosterConsole
import RosterCore
import RosterPostgres
import RosterWorker
import ServiceLifecycle
import UnixSignals

/// `roster console`: the operator console, a web page over the same database and operations as
/// the CLI. Loopback only unless `--listen` says otherwise, and then only with an access token.
struct ConsoleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "console",
        abstract:
            "Serve the operator console (web pages: overview, jobs, employees, dead letters; replay and cancel with a dry run first).",
        discussion: """
            Listens on 127.0.0.1:9465 by default. On any other address it needs an access token in $ROSTER_CONSOLE_TOKEN
            (at least 24 characters), which people give once to sign in. Actions are recorded in the audit log as
            operator:NAME (the name given at sign-in, else --operator, else $USER).
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(
        help: "host:port to listen on (default: $ROSTER_CONSOLE_LISTEN, else 127.0.0.1:9465; port 0 picks a free one).")
    var listen: String?

    @Flag(help: "Show everything, change nothing: no replay, cancel or dead-letter replay.")
    var readOnly = false

    @Option(name: .customLong("operator"), help: "Who acts when nobody signs in (default: $USER).")
    var operatorName: String?

    @Option(help: "The environment variable holding the access token.")
    var tokenEnv = "ROSTER_CONSOLE_TOKEN"

    @Option(help: "Seconds the overview waits for Kafka's offsets.")
    var kafkaTimeout: Double = 2

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let listenText =
            listen ?? environment["ROSTER_CONSOLE_LISTEN"].flatMap { $0.isEmpty ? nil : $0 } ?? "127.0.0.1:9465"
        let address: ListenAddress
        do { address = try ListenAddress(listenText) } catch { throw ValidationError("--listen: \(error)") }
        let settings = ConsoleConfiguration(
            host: address.host, port: address.port, readOnly: readOnly, token: environment[tokenEnv],
            tokenVariable: tokenEnv,
            defaultOperator: operatorName ?? environment["USER"] ?? environment["LOGNAME"],
            kafkaTimeout: .milliseconds(Int64(max(kafkaTimeout, 0.1) * 1000))
        )
        if let refusal = ConsoleAccessPolicy.refusal(for: settings) {
            throw CleanExit.message("console not started: \(refusal)", code: .failure)
        }
        let configuration = try global.loadConfiguration()
        let logger = global.makeLogger(label: "roster.console", defaultLevel: .notice)
        let pool: PostgresPool
        do {
            pool = try PostgresPool(
                configuration: PostgresConfiguration(url: configuration.database.url), size: 4,
                acquireTimeout: .seconds(15), logger: logger)
        } catch {
            throw CleanExit.message("database.url: \(error)", code: .failure)
        }
        defer { pool.close() }
        let service = try ConsoleService(
            console: Console(configuration: settings, roster: configuration, pool: pool, logger: logger), logger: logger
        )
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: service, successTerminationBehavior: .gracefullyShutdownGroup)],
                gracefulShutdownSignals: [.sigterm, .sigint], cancellationSignals: [], logger: logger
            ))
        let announce = Task {
            if let url = await service.url() {
                let mode = settings.readOnly ? " (read-only)" : ""
                let sign = settings.requiresSignIn ? "; sign in with the token in $\(tokenEnv)" : ""
                FileHandle.standardOutput.write(Data("roster console at \(url)\(mode)\(sign)\n".utf8))
            }
        }
        defer { announce.cancel() }
        do {
            try await group.run()
        } catch {
            throw CleanExit.message("console stopped: \(error)", code: .failure)
        }
    }
}
