/// The failure of a ``PostgresConnection/withTransaction(isolation:_:)`` block, keeping apart
/// what went wrong at each stage so that a failed `ROLLBACK` never hides the error that caused it.
///
/// - A failed `BEGIN` sets only ``beginError``.
/// - A thrown body sets ``bodyError``, and ``rollbackError`` if the `ROLLBACK` failed too.
/// - A failed `COMMIT` sets ``commitError`` (the transaction did not take effect).
///
/// Like ``PostgresError``, its ``description`` never contains server messages or data.
public struct PostgresTransactionError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The error of `BEGIN`, if it failed (the body did not run).
    public var beginError: (any Error)?
    /// The error the body threw, if it threw (the transaction was rolled back).
    public var bodyError: (any Error)?
    /// The error of `ROLLBACK`, if rolling back after a failed body failed too.
    public var rollbackError: (any Error)?
    /// The error of `COMMIT`, if it failed (the transaction did not take effect).
    public var commitError: (any Error)?
    /// Where the transaction was started.
    public var file: String
    /// Where the transaction was started.
    public var line: Int

    /// Creates an empty transaction error; the block fills in the stage that failed.
    public init(file: String = #fileID, line: Int = #line) {
        self.file = file
        self.line = line
    }

    /// `true` when running the whole transaction again may succeed: `BEGIN` or `COMMIT` failed
    /// with a retryable ``PostgresError``, or the body threw one (serialization failure,
    /// deadlock, lost connection).
    public var isRetryable: Bool {
        let stageErrors: [(any Error)?] = [self.beginError, self.bodyError, self.commitError]
        return stageErrors.contains { ($0 as? PostgresError)?.isRetryable ?? false }
    }

    /// The first ``PostgresError`` among the stages (begin, body, commit, rollback), if any.
    public var postgresError: PostgresError? {
        let stageErrors: [(any Error)?] = [self.beginError, self.bodyError, self.commitError, self.rollbackError]
        return stageErrors.lazy.compactMap { $0 as? PostgresError }.first
    }

    /// Names the failed stages with their errors' own (redacted) descriptions.
    public var description: String {
        self.describe { String(describing: $0) }
    }

    /// Names the failed stages with their errors' debug descriptions.
    public var debugDescription: String {
        self.describe { String(reflecting: $0) }
    }

    private func describe(_ render: (any Error) -> String) -> String {
        var stages: [String] = []
        if let beginError {
            stages.append("begin failed: \(render(beginError))")
        }
        if let bodyError {
            stages.append("body threw: \(render(bodyError))")
        }
        if let rollbackError {
            stages.append("rollback failed: \(render(rollbackError))")
        }
        if let commitError {
            stages.append("commit failed: \(render(commitError))")
        }
        return "PostgreSQL transaction failed (\(stages.joined(separator: "; ")))"
    }
}
