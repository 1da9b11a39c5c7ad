import ServiceLifecycle
import Synchronization

/// Set as soon as the worker's graceful shutdown begins, so `/readyz` answers 503 from then on.
///
/// ``Watcher`` is the last service of the worker's group: the group signals services in
/// reverse order, so it hears of the shutdown first (ops HTTP, first in the group, hears last
/// and keeps serving until then).
public final class ShutdownSignal: Sendable {
    private let flag = Atomic(false)

    /// A signal not yet set.
    public init() {}

    /// Whether graceful shutdown has begun.
    public var isShuttingDown: Bool { flag.load(ordering: .relaxed) }

    func set() { flag.store(true, ordering: .relaxed) }

    /// Waits for the group's graceful shutdown, then sets the signal.
    public struct Watcher: Service {
        let signal: ShutdownSignal

        /// A watcher that sets `signal`.
        public init(signal: ShutdownSignal) {
            self.signal = signal
        }

        /// Suspends until graceful shutdown begins (or the task is cancelled), then sets the signal.
        public func run() async throws {
            try? await gracefulShutdown()
            signal.set()
        }
    }
}
