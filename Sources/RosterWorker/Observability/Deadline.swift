import Synchronization

/// The answer of `body`, or `nil` when it takes longer than `timeout`.
///
/// Unlike a task group, this does not wait for a `body` that ignores cancellation (a libpq
/// connect, a librdkafka metadata request): it is cancelled and left to finish on its own, so a
/// probe answers in time even when Postgres or Kafka hangs. When `body` answers first, the timer
/// is cancelled at once: no sleeping task outlives the call.
///
/// - Parameter sleep: how the timer waits (tests pass one that records its cancellation).
func withDeadline<Result: Sendable>(
    _ timeout: Duration,
    sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
    _ body: @escaping @Sendable () async throws -> Result
) async throws -> Result? {
    let race = DeadlineRace<Result?>()
    return try await withCheckedThrowingContinuation { continuation in
        race.set(continuation)
        let work = Task {
            do {
                race.resume(with: .success(try await body()))
            } catch {
                race.resume(with: .failure(error))
            }
        }
        race.setTimer(
            Task {
                do { try await sleep(timeout) } catch { return }  // Cancelled: the body answered.
                race.resume(with: .success(nil))
                work.cancel()
            }
        )
    }
}

/// A continuation resumed by whichever side comes first; the first resume also cancels the timer.
private final class DeadlineRace<Value: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Value, any Error>?
        var finished = false
        var timer: Task<Void, Never>?
    }

    private let state = Mutex(State())

    func set(_ continuation: CheckedContinuation<Value, any Error>) {
        state.withLock { $0.continuation = continuation }
    }

    /// Keeps the timer to cancel on the first resume, or cancels it now if that already happened.
    func setTimer(_ timer: Task<Void, Never>) {
        let finished = state.withLock { state -> Bool in
            if !state.finished { state.timer = timer }
            return state.finished
        }
        if finished { timer.cancel() }
    }

    func resume(with result: Result<Value, any Error>) {
        let (continuation, timer) = state.withLock {
            state -> (CheckedContinuation<Value, any Error>?, Task<Void, Never>?) in
            guard !state.finished, let continuation = state.continuation else { return (nil, nil) }
            state.finished = true
            state.continuation = nil
            defer { state.timer = nil }
            return (continuation, state.timer)
        }
        timer?.cancel()
        continuation?.resume(with: result)
    }
}
