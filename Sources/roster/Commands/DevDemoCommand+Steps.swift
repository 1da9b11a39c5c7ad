import ArgumentParser
import Foundation
import Logging
import RosterCore
import RosterKafka
import RosterPostgres
import RosterWorker
import ServiceLifecycle

// MARK: - The demo's steps, in the order `demo` takes them

extension DevDemoCommand {
    /// `ROSTER_DATABASE_URL` when set, else a private PostgreSQL in the work directory.
    func startPostgres(stack: DevStack, environment: [String: String]) async throws -> String {
        if let url = environment["ROSTER_DATABASE_URL"], !url.isEmpty {
            say("dev: using ROSTER_DATABASE_URL")
            return url
        }
        let server = try await PrivatePostgres.start(in: stack.work.appendingPathComponent("pg"), logger: stack.logger)
        stack.postgres = server
        say("dev: private PostgreSQL at 127.0.0.1:\(server.port)")
        return server.url
    }

    /// librdkafka's mock cluster: three brokers, the events topic (8 partitions) and its dead-letter topic.
    func startKafka(stack: DevStack) throws -> KafkaMockCluster {
        let cluster = try KafkaMockCluster(brokers: 3, logger: stack.logger)
        try cluster.createTopic("hr.events", partitions: 8)
        try cluster.createTopic("hr.events.dlq", partitions: 1)
        stack.cluster = cluster
        say("dev: mock Kafka cluster at \(cluster.bootstrapServers)")
        return cluster
    }

    /// The four fake vendors, their keys exported to this process's environment.
    func startFakes(stack: DevStack) async throws -> DevFakes {
        let fakes = try await DevFakes.start()
        stack.fakes = fakes
        for (name, value) in fakes.keys { setenv(name, value, 1) }
        say("dev: fake OpenAI, PostHog, Confident AI and Relevance AI servers on 127.0.0.1")
        return fakes
    }

    /// Writes `roster.yaml` and the `env` file (for `source`: the configuration, the fakes' keys
    /// and a `roster` alias) into the work directory, and loads the configuration back.
    func writeConfiguration(
        stack: DevStack, fakes: DevFakes, brokers: String, databaseURL: String, environment: [String: String]
    ) throws -> RosterConfiguration {
        let yaml = fakes.configuration(
            brokers: brokers, databaseURL: databaseURL, listen: try opsListen(environment: environment))
        let configURL = stack.work.appendingPathComponent("roster.yaml")
        try yaml.write(to: configURL, atomically: true, encoding: .utf8)
        var shellEnvironment = "export ROSTER_CONFIG='\(configURL.path)'\n"
        for (name, value) in fakes.keys.sorted(by: { $0.0 < $1.0 }) {
            shellEnvironment += "export \(name)='\(value)'\n"
        }
        shellEnvironment += "alias roster='\(Self.executablePath)'\n"
        try shellEnvironment.write(to: stack.work.appendingPathComponent("env"), atomically: true, encoding: .utf8)
        return try ConfigurationLoader(environment: [:]).load(path: configURL.path)
    }

    /// The demo's own pool, with the schema migrated (`roster migrate`).
    func migrate(stack: DevStack, databaseURL: String) async throws -> PostgresPool {
        let pool = try PostgresPool(
            configuration: PostgresConfiguration(url: databaseURL), size: 2, acquireTimeout: .seconds(30),
            logger: stack.logger)
        stack.pool = pool
        let applied = try await RosterSchema.migrate(pool, logger: stack.logger)
        say(
            "dev: migrated (\(applied.isEmpty ? "schema already current" : "applied \(applied.map(String.init).joined(separator: ", "))"))"
        )
        return pool
    }

    /// A worker nested in a group of the demo's own (``Worker/run()`` handles no signals), until
    /// the stack is torn down. Returns its ops HTTP port once it listens.
    func startWorker(stack: DevStack, configuration: RosterConfiguration) async throws -> Int? {
        var workerLogger = global.makeLogger(label: "roster.worker", defaultLevel: .error)
        workerLogger.logLevel = global.logLevel ?? .error
        let worker = try Worker(configuration: configuration, workerID: "dev-\(getpid())", logger: workerLogger)
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: worker, successTerminationBehavior: .gracefullyShutdownGroup)],
                gracefulShutdownSignals: [], cancellationSignals: [], logger: stack.logger
            ))
        stack.workerGroup = (group, Task { try await group.run() })
        let port = await worker.opsAddress.port()
        say("dev: worker running; ops HTTP on \(worker.opsAddress.current ?? "(not listening)")")
        return port
    }

    /// Waits for every offboarding to be verified absent, then prints a reconciliation pass and
    /// the leaver's evidence.
    func reportReconciliation(_ reconciliation: DevReconciliation, leaver: String) async throws {
        let verified = try await reconciliation.waitUntilVerified(timeout: .seconds(60))
        say(
            verified ? "dev: every offboarding verified at every vendor" : "dev: verifications still pending after 60 s"
        )
        let pass = try await reconciliation.pass()
        say("")
        say(pass.rendered(colour: false))
        say("Evidence for leaver \(leaver) (roster evidence --since 30d)")
        say(try await reconciliation.evidence(of: leaver))
    }

    /// The commands to look further, for the demo's stack.
    static func nextSteps(work: URL, leaver: String, opsPort: Int?, databaseURL: String) -> String {
        let metricsURL = opsPort.map { "http://127.0.0.1:\($0)/metrics" } ?? "(ops HTTP not listening)"
        return """
            Look further (with --keep, in another shell, after: source \(work.path)/env):
              roster jobs list                          # every job, newest first (--status dead, --output json)
              roster jobs show 3                        # one job: its event, plan, steps and attempts
              roster status                             # consumer lag, jobs by state, limiters and breakers
              roster dlq list                           # dead letters; `roster dlq replay` once fixed
              \("roster audit --employee \(leaver)".padding(toLength: 42, withPad: " ", startingAt: 0))# every vendor mutation for one person, time to revoke
              roster replay ID --reason "…" --dry-run   # what a replay would do, changing nothing
              roster reconcile --dry-run                # what each vendor holds against what HR says
              roster evidence --since 30d               # revoked and verified-absent times, for auditors (CSV)
              curl -s \(metricsURL) | grep ^roster_
              psql '\(databaseURL)'
            """
    }
}
