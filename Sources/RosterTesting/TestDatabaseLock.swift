/// A readers/writer lock for a shared test server: ordinary tests hold it shared, tests that
/// restart or crash the server hold it exclusively, so they never pull the server from under
/// another test. FIFO: once an exclusive holder waits, later shared requests queue behind it.
public actor TestDatabaseLock {
    /// The lock for the private PostgreSQL server.
    public static let postgres = TestDatabaseLock()

    private var sharedHolders = 0
    private var exclusiveHeld = false
    private var queue: [(exclusive: Bool, continuation: CheckedContinuation<Void, Never>)] = []

    /// A new, unheld lock.
    public init() {}

    /// Runs `body` while holding the lock, shared or exclusive.
    public nonisolated func withLock<Result>(
        exclusive: Bool,
        _ body: () async throws -> Result
    ) async throws -> Result {
        await self.acquire(exclusive: exclusive)
        let result: Result
        do {
            result = try await body()
        } catch {
            await self.release(exclusive: exclusive)
            throw error
        }
        await self.release(exclusive: exclusive)
        return result
    }

    private func acquire(exclusive: Bool) async {
        if self.queue.isEmpty && self.canGrant(exclusive: exclusive) {
            self.grant(exclusive: exclusive)
            return
        }
        await withCheckedContinuation { continuation in
            self.queue.append((exclusive, continuation))
        }
    }

    private func release(exclusive: Bool) {
        if exclusive {
            self.exclusiveHeld = false
        } else {
            self.sharedHolders -= 1
        }
        while let next = self.queue.first, self.canGrant(exclusive: next.exclusive) {
            self.queue.removeFirst()
            self.grant(exclusive: next.exclusive)
            next.continuation.resume()
        }
    }

    private func canGrant(exclusive: Bool) -> Bool {
        exclusive ? !self.exclusiveHeld && self.sharedHolders == 0 : !self.exclusiveHeld
    }

    private func grant(exclusive: Bool) {
        if exclusive {
            self.exclusiveHeld = true
        } else {
            self.sharedHolders += 1
        }
    }
}
