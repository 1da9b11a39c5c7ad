import ArgumentParser
import Logging
import RosterWorker
import ServiceLifecycle

struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract:
            "Run a worker: ingest HR events from Kafka into jobs (run as many processes as you like, one consumer group)."
    )

    @OptionGroup var global: GlobalOptions

    @Option(
        help:
            "A name for this process in leases, logs and step attempts (default: host-pid); must be unique among running workers."
    )
    var workerID: String?

    func run() async throws {
        let configuration = try global.loadConfiguration()
        let logger = global.makeLogger(label: "roster.worker", defaultLevel: .info)
        let worker: Worker
        do {
            worker = try Worker(configuration: configuration, workerID: workerID, logger: logger)
        } catch {
            throw CleanExit.message("cannot start the worker: \(error)", code: .failure)
        }
        try await worker.runService()
    }
}
