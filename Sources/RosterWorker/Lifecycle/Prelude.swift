import ServiceLifecycle
import Synchronization

/// Work that must finish before the worker's services start: the worker's migrations
/// (Hummingbird's `PreludeService`, shared by several services).
///
/// ``Runner``, a service of its own placed before the services that wait (``GatedService``),
/// runs the work once, inside the group: a graceful shutdown or a cancellation during a long wait
/// (Postgres down at start-up) stops it like any other service. A waiter that stops waiting (its
/// own shutdown) leaves the work and the other waiters alone.
final class Prelude: Sendable {
    private enum State {
        case running(waiters: [Int: CheckedContinuation<Void, any Error>])
        case finished(Result<Void, any Error>)
    }

    private let work: @Sendable () async throws -> Void
    private let state = Mutex(State.running(waiters: [:]))
    private let nextWaiter = Atomic(0)

    /// - Parameter work: Run once by ``runner``.
    init(_ work: @escaping @Sendable () async throws -> Void) {
        self.work = work
    }

    /// The service that runs the work; put it before every ``GatedService`` of this prelude, so
    /// that the group stops it after them.
    var runner: Runner { Runner(prelude: self) }

    /// Waits until the work has finished.
    ///
    /// - Throws: What the work threw (every waiter gets the same error), or `CancellationError`
    ///   when the caller is cancelled; the work goes on for the others.
    func wait() async throws {
        let id = nextWaiter.add(1, ordering: .relaxed).newValue
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let now: Result<Void, any Error>? = state.withLock { state in
                    switch state {
                    case .finished(let result):
                        return result
                    case .running(var waiters):
                        // Cancelled before the handler could find this waiter: answer at once.
                        if Task.isCancelled { return .failure(CancellationError()) }
                        waiters[id] = continuation
                        state = .running(waiters: waiters)
                        return nil
                    }
                }
                if let now { continuation.resume(with: now) }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, any Error>? in
                guard case .running(var waiters) = state, let waiter = waiters.removeValue(forKey: id) else {
                    return nil
                }
                state = .running(waiters: waiters)
                return waiter
            }
            waiter?.resume(throwing: CancellationError())
        }
    }

    /// Records the work's outcome and answers every waiter.
    private func finish(_ result: Result<Void, any Error>) {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, any Error>] in
            guard case .running(let waiters) = state else { return [] }
            state = .finished(result)
            return Array(waiters.values)
        }
        for waiter in waiters { waiter.resume(with: result) }
    }

    /// Runs the prelude's work, then stays in the group until it shuts down (so the group's
    /// reverse order holds). A shutdown during the work ends it quietly; a failure of the work
    /// fails the group.
    struct Runner: Service, CustomStringConvertible {
        let prelude: Prelude

        var description: String { "the worker's prelude (migrations)" }

        func run() async throws {
            do {
                try await cancelWhenGracefulShutdown { try await prelude.work() }
                prelude.finish(.success(()))
            } catch  where Task.isShuttingDownGracefully {
                prelude.finish(.failure(CancellationError()))
                return
            } catch {
                prelude.finish(.failure(error))
                throw error
            }
            try? await gracefulShutdown()
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
        } catch  where Task.isShuttingDownGracefully {
            return
        }
        try await service.run()
    }
}
