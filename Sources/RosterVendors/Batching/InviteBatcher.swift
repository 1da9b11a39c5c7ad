import Synchronization

/// Coalesces invitations that jobs running at the same time in one process want from the same
/// vendor call, so that many jobs share one batch call (PostHog `/invites/bulk/`, Confident AI
/// `emails[]`).
///
/// A job's step calls ``submit(_:key:flush:)`` and waits. Items with the same `key` (the
/// vendor instance, plus whatever the call must share: a role, a project) wait together until
/// ``Options/maxItems`` are queued or the first has waited ``Options/linger``; then one task
/// runs the `flush` closure for all of them and each waiting job gets its own item's result
/// (success or its own error). Every job then checkpoints and audits its own step, so a crash
/// after the batch call and before a job's checkpoint is covered the usual way: the retried step
/// looks first (a flush lists members and invitations before it invites) and finds the work done.
///
/// Only jobs of the same process meet here; jobs of other processes make their own batches. A
/// batch can hold at most as many items as the process runs jobs at once (the executor's
/// `concurrency`), since each item is a running job waiting for its answer.
///
/// The flush runs in an unstructured task (the timer's, or one started by the item that filled
/// the batch): it inherits the task-local values of the job that started it, such as the call
/// priority, and outlives a waiting job that is cancelled (the call is made once for everyone).
/// Each item keeps the ``MutationFence`` of the job that submitted it: an item whose job was
/// cancelled or lost its lease while it waited leaves the batch with a ``FenceError``, and the call
/// itself is fenced by every remaining item's job.
public final class InviteBatcher<Item: Sendable, Outcome: Sendable>: Sendable {
    /// When a batch is sent.
    public struct Options: Sendable, Hashable {
        /// How long the first item of a batch waits for others.
        public var linger: Duration
        /// A batch is sent as soon as it holds this many items.
        public var maxItems: Int

        public init(linger: Duration = .milliseconds(100), maxItems: Int = 20) {
            self.linger = linger
            self.maxItems = max(1, maxItems)
        }
    }

    /// Makes the batch call(s) for `items`; returns one result per item, in the same order.
    public typealias Flush = @Sendable (_ items: [Item]) async -> [Result<Outcome, any Error>]

    private struct Waiter: Sendable {
        var item: Item
        var continuation: CheckedContinuation<Outcome, any Error>
        /// The fence of the job that submitted the item (``MutationFence/current`` at submission).
        var fence: MutationFence?
    }

    private struct Batch: Sendable {
        var id: Int
        var waiters: [Waiter]
        var flush: Flush
    }

    private struct State: Sendable {
        var open: [String: Batch] = [:]
        var nextID = 0
        var flushes = 0
        var items = 0
    }

    /// When batches are sent.
    public let options: Options
    private let state = Mutex(State())

    public init(options: Options = .init()) {
        self.options = options
    }

    /// How many batches were flushed and how many items they carried (for logs and tests).
    public var statistics: (flushes: Int, items: Int) {
        state.withLock { ($0.flushes, $0.items) }
    }

    /// Queues `item` under `key` and waits for its result.
    ///
    /// - Parameters:
    ///   - item: What this job wants.
    ///   - key: Items with equal keys go into the same batch call.
    ///   - flush: How to send a batch; the first item of a batch decides it, so every caller
    ///     with the same `key` must pass an equivalent closure.
    /// - Returns: This item's outcome.
    /// - Throws: This item's error from `flush`.
    public func submit(_ item: Item, key: String, flush: @escaping Flush) async throws -> Outcome {
        let fence = MutationFence.current
        return try await withCheckedThrowingContinuation { continuation in
            let action = state.withLock { state -> Action in
                let waiter = Waiter(item: item, continuation: continuation, fence: fence)
                if var batch = state.open[key] {
                    batch.waiters.append(waiter)
                    if batch.waiters.count >= options.maxItems {
                        state.open[key] = nil
                        return .flush(batch)
                    }
                    state.open[key] = batch
                    return .none
                }
                let batch = Batch(id: state.nextID, waiters: [waiter], flush: flush)
                state.nextID += 1
                if options.maxItems <= 1 { return .flush(batch) }
                state.open[key] = batch
                return .startTimer(batch.id)
            }
            switch action {
            case .none:
                break
            case .flush(let batch):
                Task { await self.send(batch) }
            case .startTimer(let id):
                let linger = options.linger
                Task {
                    try? await Task.sleep(for: linger)
                    await self.sendIfOpen(key: key, id: id)
                }
            }
        }
    }

    private enum Action {
        case none
        case flush(Batch)
        case startTimer(Int)
    }

    /// Sends the batch `id` under `key` unless it was already sent because it filled up.
    private func sendIfOpen(key: String, id: Int) async {
        let batch = state.withLock { state -> Batch? in
            guard let batch = state.open[key], batch.id == id else { return nil }
            state.open[key] = nil
            return batch
        }
        if let batch { await send(batch) }
    }

    private func send(_ batch: Batch) async {
        // An item whose job was cancelled or lost its lease while it waited leaves the batch.
        var waiters: [Waiter] = []
        for waiter in batch.waiters {
            do {
                try await waiter.fence?.check()
                waiters.append(waiter)
            } catch {
                waiter.continuation.resume(throwing: error)
            }
        }
        guard !waiters.isEmpty else { return }
        state.withLock {
            $0.flushes += 1
            $0.items += waiters.count
        }
        // The call carries every remaining item: it is made only while all their jobs still hold.
        let fences = waiters.compactMap(\.fence)
        let results = await MutationFence.$current.withValue(fences.isEmpty ? nil : MutationFence.all(fences)) {
            await batch.flush(waiters.map(\.item))
        }
        for (index, waiter) in waiters.enumerated() {
            if index < results.count {
                waiter.continuation.resume(with: results[index])
            } else {
                waiter.continuation.resume(throwing: BatchFlushMissingResult())
            }
        }
    }
}

/// A flush returned fewer results than items: a programming error, reported to the jobs left
/// without an answer as a retryable failure rather than leaving them waiting forever.
struct BatchFlushMissingResult: Error, CustomStringConvertible {
    var description: String { "the batch call returned no result for this item" }
}
