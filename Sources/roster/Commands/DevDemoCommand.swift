import ArgumentParser
import Foundation
import Logging
import RosterConsole
import RosterCore
import RosterFakes
import RosterKafka
import RosterPostgres
import RosterWorker
import ServiceLifecycle

/// `roster dev`: Roster's main job on embedded defaults, in this one process.
///
/// A private PostgreSQL (unless `ROSTER_DATABASE_URL` is set), librdkafka's mock Kafka cluster,
/// the four fake vendor servers, `roster migrate`, the example events from
/// `schemas/examples/` published (valid ones, then invalid and rejected ones as they are, to be
/// dead-lettered), and a worker run until every job has settled. Prints the job table, the dead
/// letters, the vendor mutations and the commands to look further. `--keep` leaves it all
/// running until Ctrl-C.
struct DevDemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract:
            "The whole demo (the default): private Postgres, mock Kafka, fake vendors, example events, a worker until jobs settle."
    )

    @OptionGroup var global: GlobalOptions

    @Flag(
        help: "Leave everything running after the jobs settle, for exploring with the roster command (Ctrl-C stops it)."
    )
    var keep = false

    @Option(help: "The example events (default: schemas/examples of the Roster checkout).")
    var examples: String?

    @Option(help: "Give up waiting for the jobs to settle after this many seconds.")
    var timeout = 180

    @Option(help: "The ops HTTP address (default: $ROSTER_HTTP_LISTEN, else 127.0.0.1:9464, else a free port).")
    var httpListen: String?

    func run() async throws {
        let logger = global.makeLogger(label: "roster.dev", defaultLevel: .error)
        guard let examplesDirectory = examples.map({ URL(fileURLWithPath: $0) }) ?? Self.findExamples() else {
            throw CleanExit.message(
                "cannot find schemas/examples: run from the Roster checkout or pass --examples DIR", code: .failure)
        }
        let started = ContinuousClock.now
        let environment = ProcessInfo.processInfo.environment
        let work = try Self.makeWorkDirectory()
        let stack = DevStack(work: work, logger: logger)
        do {
            try await demo(stack: stack, examples: examplesDirectory, environment: environment, started: started)
        } catch {
            await stack.tearDown()
            if let exit = error as? ExitCode { throw exit }
            throw CleanExit.message("\(error)", code: .failure)
        }
        await stack.tearDown()
    }

    private func demo(
        stack: DevStack, examples: URL, environment: [String: String], started: ContinuousClock.Instant
    ) async throws {
        // Postgres first: the server it starts must inherit none of our sockets.
        let databaseURL = try await startPostgres(stack: stack, environment: environment)
        let cluster = try startKafka(stack: stack)
        let fakes = try await startFakes(stack: stack)
        let configuration = try writeConfiguration(
            stack: stack, fakes: fakes, brokers: cluster.bootstrapServers, databaseURL: databaseURL,
            environment: environment)
        let pool = try await migrate(stack: stack, databaseURL: databaseURL)
        let published = try await DevExamples.publish(
            from: examples, brokers: cluster.bootstrapServers, topic: configuration.kafka.topic, logger: stack.logger
        )
        say(
            "dev: published \(published.valid) valid and \(published.invalid) invalid example events from \(examples.path)"
        )
        let port = try await startWorker(stack: stack, configuration: configuration)

        let report = DevReport(pool: pool)
        let accepting = fakes.acceptConfidentInvitations()
        defer { accepting.cancel() }
        let settled = try await report.waitUntilSettled(
            jobs: published.valid, deadLetters: published.invalid, timeout: .seconds(timeout))
        say("")
        say(try await report.render())
        if settled {
            say(
                "dev: every job settled (\(String(format: "%.1f", (ContinuousClock.now - started).inSeconds)) s from start)"
            )
        } else {
            say("dev: jobs did not settle within \(timeout) s; the table above shows where they are")
        }
        let leaver = try await report.firstEmployee() ?? "E1001"
        if settled {
            try await reportReconciliation(
                DevReconciliation(pool: pool, configuration: configuration, logger: stack.logger), leaver: leaver)
        }
        say(Self.nextSteps(work: stack.work, leaver: leaver, opsPort: port, databaseURL: databaseURL))
        if keep {
            let url = try await startConsole(
                stack: stack, pool: pool, configuration: configuration, environment: environment)
            say("dev: operator console at \(url) (roster console; loopback only)")
            say("dev: everything keeps running; Ctrl-C stops it.")
            await Signals.waitForTermination()
            say("dev: stopping")
        } else {
            say("Run 'roster dev --keep' to leave it running and explore.")
        }
        if !settled { throw ExitCode.failure }
    }

    /// The operator console on loopback (127.0.0.1:9465, else a free port), read-write, acting as `$USER`.
    private func startConsole(
        stack: DevStack, pool: PostgresPool, configuration: RosterConfiguration, environment: [String: String]
    ) async throws -> String {
        let port = PrivatePostgres.canListen(host: "127.0.0.1", port: 9465) ? 9465 : 0
        let settings = ConsoleConfiguration(
            host: "127.0.0.1", port: port, defaultOperator: environment["USER"] ?? "dev", kafkaTimeout: .seconds(1))
        let service = try ConsoleService(
            console: Console(configuration: settings, roster: configuration, pool: pool, logger: stack.logger),
            logger: stack.logger)
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: service, successTerminationBehavior: .gracefullyShutdownGroup)],
                gracefulShutdownSignals: [], cancellationSignals: [], logger: stack.logger
            ))
        stack.consoleGroup = (group, Task { try await group.run() })
        return await service.url() ?? "(the console did not start)"
    }

    func opsListen(environment: [String: String]) throws -> String {
        if let explicit = httpListen ?? environment["ROSTER_HTTP_LISTEN"], !explicit.isEmpty { return explicit }
        return PrivatePostgres.canListen(host: "127.0.0.1", port: 9464) ? "127.0.0.1:9464" : "127.0.0.1:0"
    }

    /// A line on standard output, unbuffered (the demo's progress shows as it happens).
    func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    // MARK: - Locations

    /// `schemas/examples` above the current directory or above this executable.
    static func findExamples() -> URL? {
        let starts = [
            URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
            URL(fileURLWithPath: executablePath).deletingLastPathComponent(),
        ]
        for start in starts {
            var directory = start
            for _ in 0..<8 {
                let candidate = directory.appendingPathComponent("schemas/examples/valid")
                if FileManager.default.fileExists(atPath: candidate.path) {
                    return candidate.deletingLastPathComponent()
                }
                directory = directory.deletingLastPathComponent()
            }
        }
        return nil
    }

    static var executablePath: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    static func makeWorkDirectory() throws -> URL {
        var template = Array((FileManager.default.temporaryDirectory.path + "/roster-dev.XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw CleanExit.message("cannot create a temporary directory", code: .failure)
        }
        let path = String(cString: made)
        chmod(path, 0o755)
        return URL(fileURLWithPath: path)
    }
}
