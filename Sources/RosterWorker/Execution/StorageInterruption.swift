import RosterVendors

/// A Postgres write of the executor's own bookkeeping failed (a checkpoint, an audit row, a
/// step's success) while a step ran. It is not the vendor's failure: it must not reach the
/// vendor's retry policy, spend a vendor attempt or make the job dead. The runner resumes the job
/// after a storage backoff and, when `position` is known, gives the step its attempt back.
struct StorageInterruption: Error, CustomStringConvertible {
    var underlying: any Error
    /// The step whose attempt the failed write belonged to.
    var position: Int?

    var isRetryable: Bool { true }
    var description: String { "interrupted by a storage error: \(underlying)" }

    /// Runs `body`, turning its errors into a ``StorageInterruption``, except fencing and
    /// cancellation, which keep their own meaning.
    static func marking<T>(_ position: Int?, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as FenceError {
            throw error
        } catch let error as CancellationError {
            throw error
        } catch let error as StorageInterruption {
            throw error
        } catch {
            throw StorageInterruption(underlying: error, position: position)
        }
    }
}
