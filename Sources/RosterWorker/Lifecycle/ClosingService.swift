import ServiceLifecycle

/// A resource the worker's services share (the dead-letter producer, the observer consumer, the
/// vendors' HTTP client), as a service: it does nothing until the group's graceful shutdown
/// reaches it, then closes the resource.
///
/// Put it before the services that use it: a group shuts its services down in reverse order, each
/// after the one started later has returned, so the resource closes after its last user. When the
/// group is cancelled instead, it closes at once (its users are being cancelled too).
struct ClosingService: Service, CustomStringConvertible {
    /// What is closed, for the group's logs.
    let description: String
    let close: @Sendable () async -> Void

    init(_ description: String, close: @escaping @Sendable () async -> Void) {
        self.description = description
        self.close = close
    }

    func run() async throws {
        // Throws CancellationError when the group is cancelled instead; the resource closes either way.
        try? await gracefulShutdown()
        await close()
    }
}
