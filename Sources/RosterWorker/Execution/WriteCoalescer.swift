/// Group commit for the executor's bookkeeping: concurrent writes of one kind, each awaited by
/// its own job, go to Postgres together as one statement.
///
/// There is no linger timer. A write submitted while no flush is in flight is flushed at once
/// (alone, so a quiet worker pays no latency); writes submitted while a flush is in flight wait
/// for it and then go together, up to `maxBatch` at a time. Under load, batches therefore grow
/// to the number of jobs that finished a step during one round trip, which is what turns
/// per-job round trips into per-batch ones.
///
/// A failed flush fails every write in it with the same error: each job then takes its usual
/// storage-error path (retry after a pause, or the lease runs out), exactly as if its own
/// statement had failed. `flush` must return one result per item, in order.
actor WriteCoalescer<Item: Sendable, Output: Sendable> {
    private typealias Waiter = CheckedContinuation<Output, any Error>

    private let maxBatch: Int
    private let flush: @Sendable ([Item]) async throws -> [Output]
    private var pending: [(item: Item, waiter: Waiter)] = []
    private var flushing = false

    init(maxBatch: Int = 512, flush: @escaping @Sendable ([Item]) async throws -> [Output]) {
        precondition(maxBatch > 0, "a batch holds at least one write")
        self.maxBatch = maxBatch
        self.flush = flush
    }

    /// Writes `item` with whatever else is waiting, and returns its own result.
    func submit(_ item: Item) async throws -> Output {
        try await withCheckedThrowingContinuation { (waiter: Waiter) in
            pending.append((item, waiter))
            if !flushing {
                flushing = true
                Task { await self.drain() }
            }
        }
    }

    private func drain() async {
        while !pending.isEmpty {
            let batch = Array(pending.prefix(maxBatch))
            pending.removeFirst(batch.count)
            do {
                // The actor is free while the statement runs: new writes queue up for the next batch.
                let outputs = try await flush(batch.map(\.item))
                guard outputs.count == batch.count else {
                    throw CoalescedWriteError(expected: batch.count, got: outputs.count)
                }
                for (entry, output) in zip(batch, outputs) { entry.waiter.resume(returning: output) }
            } catch {
                for entry in batch { entry.waiter.resume(throwing: error) }
            }
        }
        flushing = false
    }
}

/// A coalesced statement returned a different number of results than it was given writes: a
/// bug in the statement, reported to every waiting job rather than guessed around.
struct CoalescedWriteError: Error, CustomStringConvertible {
    var expected: Int
    var got: Int
    var isRetryable: Bool { false }
    var description: String { "a batched write returned \(got) results for \(expected) writes" }
}
