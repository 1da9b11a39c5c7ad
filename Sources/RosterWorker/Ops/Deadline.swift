import Synchronization

/// The answer of `body`, or `nil` when it takes longer than `timeout`.
///
/// Unlike a task group, this does not wait for a `body` that ignores cancellation (a libpq
/// connect, a librdkafka metadata request): it is cancelled and left to finish on its own, so a
/// probe answers in time even when Postgres or Kafka hangs.
func withDeadline<Result: Sendable>(
    _ timeout: Duration,
    _ body: @escaping @Sendable () async throws -> Result
) async throws -> Result? {
    let box = ResumeOnce<Result?>()
    return try await withCheckedThrowingContinuation { continuation in
        box.set(continuation)
        let work = Task {
            do {
                box.resume(with: .success(try await body()))
            } catch {
                box.resume(with: .failure(error))
            }
        }
        Task {
            try? await Task.sleep(for: timeout)
            box.resume(with: .success(nil))
            work.cancel()
        }
    }
}

/// A continuation resumed by whichever side comes first.
private final class ResumeOnce<Value: Sendable>: Sendable {
    private let state = Mutex<(CheckedContinuation<Value, any Error>?, Bool)>((nil, false))

    func set(_ continuation: CheckedContinuation<Value, any Error>) {
        state.withLock { $0.0 = continuation }
    }

    func resume(with result: Result<Value, any Error>) {
        let continuation = state.withLock { state -> CheckedContinuation<Value, any Error>? in
            guard !state.1, let continuation = state.0 else { return nil }
            state.1 = true
            state.0 = nil
            return continuation
        }
        continuation?.resume(with: result)
    }
}
