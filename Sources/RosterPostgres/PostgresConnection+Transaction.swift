extension PostgresConnection {
    /// Runs `body` inside `BEGIN` … `COMMIT`, rolling back when it throws.
    ///
    /// To choose an isolation level, make it the body's first statement
    /// (`SET TRANSACTION ISOLATION LEVEL SERIALIZABLE`). A serialization failure or deadlock
    /// makes ``PostgresTransactionError/isRetryable`` true: run the whole block again.
    ///
    /// - Parameters:
    ///   - isolation: The caller's actor, so `body` runs there.
    ///   - body: The work; it receives this connection. Do not keep the connection.
    /// - Returns: What `body` returned, once `COMMIT` succeeded.
    /// - Throws: ``PostgresTransactionError``, keeping apart a failed `BEGIN` (including
    ///   "a transaction is already open"), the error `body` threw (after a `ROLLBACK`, whose own
    ///   failure is kept separately), and a failed `COMMIT` (also when `COMMIT` turned into a
    ///   rollback because a statement inside had failed and the body caught that error).
    @discardableResult
    public func withTransaction<Result>(
        isolation: isolated (any Actor)? = #isolation,
        file: String = #fileID,
        line: Int = #line,
        _ body: (PostgresConnection) async throws -> sending Result
    ) async throws -> sending Result {
        var failure = PostgresTransactionError(file: file, line: line)
        do {
            try await self.begin(file: file, line: line)
        } catch {
            failure.beginError = error
            throw failure
        }

        let value: Result
        do {
            value = try await body(self)
        } catch {
            failure.bodyError = error
            // A broken connection has no transaction left to roll back: the server ends it.
            if !self.isBroken {
                do {
                    try await self.endTransaction("ROLLBACK", file: file, line: line)
                } catch {
                    failure.rollbackError = error
                }
            }
            throw failure
        }

        do {
            let tag = try await self.endTransaction("COMMIT", file: file, line: line)
            if tag == "ROLLBACK" {
                // COMMIT of a transaction that saw an error is answered with a rollback, not an error.
                throw PostgresError(
                    code: .transaction,
                    reason: "COMMIT rolled back: a statement in the transaction had failed",
                    file: file,
                    line: line
                )
            }
        } catch {
            failure.commitError = error
            throw failure
        }
        return value
    }

    /// `BEGIN`, after checking that no transaction is open (PostgreSQL only warns about a second
    /// `BEGIN`, which would silently merge the two transactions).
    private func begin(file: String, line: Int) async throws {
        guard try await self.transactionState(file: file, line: line) == .idle else {
            throw PostgresError(
                code: .transaction,
                reason: "a transaction is already open on this connection (nested transactions are not supported)",
                file: file,
                line: line
            )
        }
        try await self.execute("BEGIN", file: file, line: line)
    }

    /// `COMMIT` or `ROLLBACK`, sent even when the task is cancelled (ending the transaction is
    /// what cancellation needs), returning the command tag.
    @discardableResult
    func endTransaction(_ command: String, file: String, line: Int) async throws -> String {
        let query = PostgresQuery(unsafeSQL: command)
        let result = try await self.run(cancellable: false, file: file, line: line) { pq, statement in
            pq.execute(query, statement: statement)
        }
        return result.commandTag
    }

    /// Whether a transaction block is open on this connection (as inside
    /// ``withTransaction(isolation:file:line:_:)``): for code whose statements only mean something
    /// as part of the caller's transaction, such as a transaction-level advisory lock.
    ///
    /// - Throws: ``PostgresError`` when the connection is closed or broken.
    public func isInTransaction(file: String = #fileID, line: Int = #line) async throws -> Bool {
        try await self.transactionState(file: file, line: line).isInTransactionBlock
    }

    /// libpq's view of the transaction state (`PQtransactionStatus`), read on the queue.
    func transactionState(file: String = #fileID, line: Int = #line) async throws -> PQTransactionState {
        try self.checkUsable(file: file, line: line)
        return await self.onQueue { $0.transactionState }
    }
}
