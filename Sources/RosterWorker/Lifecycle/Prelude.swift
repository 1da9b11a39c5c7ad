import ServiceLifecycle
import Synchronization

/// Work that must finish before the worker's services start, run once however many services wait
/// for it: the worker's migrations (Hummingbird's `PreludeService`, shared by several services).
///
/// It starts when the first service asks for it, inside the group, so a graceful shutdown or a
/// cancellation during a long wait (Postgres down at start-up) stops the worker cleanly.
final class Prelude: Sendable {
    private let work: @Sendable () async throws -> Void
    private let running = Mutex<Task<Void, any Error>?>(nil)

    /// - Parameter work: Runs at most once, in a task of its own.
    init(_ work: @escaping @Sendable () async throws -> Void) {
        self.work = work
    }

    /// Waits for the work, starting it if nobody has.
    ///
    /// - Throws: What the work threw (every waiter gets the same error), or `CancellationError`
    ///   when the caller is cancelled: that cancels the work too, because the worker's services
    ///   are cancelled together.
    func wait() async throws {
        let task = running.withLock { running in
            if let running { return running }
            let started = Task { [work] in try await work() }
            running = started
            return started
        }
        try await withTaskCancellationHandler {
            try await task.value
        } onCancel: {
            task.cancel()
        }
    }
}

/// A service that starts once its ``Prelude`` has finished. A graceful shutdown while it waits
/// ends the wait, and the service returns without having started.
struct GatedService: Service, CustomStringConvertible {
    let prelude: Prelude
    let service: any Service

    var description: String { "\(type(of: service)) after the prelude" }

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown { try await prelude.wait() }
        } catch is CancellationError where Task.isShuttingDownGracefully {
            return
        }
        try await service.run()
    }
}
