import ServiceLifecycle
import Synchronization

/// A resource the worker's services share (the Postgres pool, the vendors' HTTP client, the
/// dead-letter producer, the group observer), as a service: it does nothing until the group's
/// graceful shutdown reaches it, then closes the resource.
///
/// Put it before the services that use it: a group shuts its services down in reverse order, each
/// after the one started later has returned, so the resource closes after its last user. When the
/// group is cancelled instead (a service failed, or the shutdown ran out of time), its users are
/// still stopping: the resource is left open, and ``Worker/run()`` closes it once the group has
/// returned (``close()`` runs the closing once).
final class ClosingService: Service, CustomStringConvertible, Sendable {
    /// What is closed, for the group's logs.
    let description: String
    private let closing: @Sendable () async -> Void
    private let closed = Atomic(false)

    init(_ description: String, close: @escaping @Sendable () async -> Void) {
        self.description = description
        self.closing = close
    }

    func run() async throws {
        do {
            try await gracefulShutdown()
        } catch {
            return  // cancelled: closed by the worker once every user has returned
        }
        await close()
    }

    /// Closes the resource, the first time only.
    func close() async {
        guard !closed.exchange(true, ordering: .relaxed) else { return }
        await closing()
    }
}
