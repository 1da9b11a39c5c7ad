extension PostgresError {
    /// `error` itself when it is a ``PostgresError``, else the first one inside a
    /// ``PostgresTransactionError``: what callers inspect for SQLSTATE or connection failures.
    public static func underlying(_ error: any Error) -> PostgresError? {
        (error as? PostgresError) ?? (error as? PostgresTransactionError)?.postgresError
    }

    /// Whether running the same work again may succeed: a retryable ``PostgresError``, bare or
    /// in any stage of a ``PostgresTransactionError``.
    public static func isRetryable(_ error: any Error) -> Bool {
        (error as? PostgresError)?.isRetryable ?? (error as? PostgresTransactionError)?.isRetryable ?? false
    }
}
