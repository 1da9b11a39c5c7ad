import Foundation
import Logging
import RosterKafka
import RosterPostgres
import ServiceLifecycle

/// What `roster dev` started, torn down in reverse order whatever happened.
final class DevStack {
    let work: URL
    let logger: Logger
    var postgres: PrivatePostgres?
    var cluster: KafkaMockCluster?
    var fakes: DevFakes?
    var pool: PostgresPool?
    var workerGroup: (group: ServiceGroup, task: Task<Void, any Error>)?
    var consoleGroup: (group: ServiceGroup, task: Task<Void, any Error>)?

    init(work: URL, logger: Logger) {
        self.work = work
        self.logger = logger
    }

    func tearDown() async {
        if let (group, task) = consoleGroup {
            await group.triggerGracefulShutdown()
            _ = await task.result
            consoleGroup = nil
        }
        if let (group, task) = workerGroup {
            await group.triggerGracefulShutdown()
            if case .failure(let error) = await task.result {
                logger.error("the worker stopped with an error", metadata: ["error": "\(error)"])
            }
            workerGroup = nil
        }
        pool?.close()
        pool = nil
        await fakes?.stop()
        fakes = nil
        cluster = nil
        await postgres?.stop()
        postgres = nil
        try? FileManager.default.removeItem(at: work)
    }
}
