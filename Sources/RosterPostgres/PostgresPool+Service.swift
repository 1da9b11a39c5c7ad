import ServiceLifecycle

extension PostgresPool: Service {
    /// Lasts until graceful shutdown (or cancellation), then closes the pool.
    ///
    /// Put the pool first in a `ServiceGroup`: services shut down in reverse order, so the
    /// services using it finish their work before it closes.
    public func run() async throws {
        // gracefulShutdown() throws CancellationError when the task is cancelled instead; the
        // pool closes either way.
        try? await gracefulShutdown()
        self.close()
    }
}
