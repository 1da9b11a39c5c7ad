extension PostgresConnection {
    /// Sends a notification with `SELECT pg_notify($1, $2)`: channel and payload are bound
    /// parameters, never spliced into SQL. Inside a transaction it is delivered on commit.
    ///
    /// - Parameters:
    ///   - channel: The channel name, as given to ``PostgresListener`` (case-sensitive).
    ///   - payload: At most 8,000 bytes (the server's limit); may contain any text.
    /// - Throws: as ``query(_:file:line:)``.
    public func notify(channel: String, payload: String = "", file: String = #fileID, line: Int = #line) async throws {
        try await self.execute("SELECT pg_notify(\(channel), \(payload))", file: file, line: line)
    }
}

extension PostgresPool {
    /// Sends a notification on a leased connection; see ``PostgresConnection/notify(channel:payload:file:line:)``.
    ///
    /// - Throws: as ``query(_:file:line:)``.
    public func notify(channel: String, payload: String = "", file: String = #fileID, line: Int = #line) async throws {
        try await self.execute("SELECT pg_notify(\(channel), \(payload))", file: file, line: line)
    }
}
