import RosterPostgres

// MARK: - A resource lock that may stop being needed

extension JobStore {
    /// ``withResourceLock(_:job:_:)``, except that while waiting for the lock it asks
    /// `stillNeeded` before every attempt and runs `body` without the lock once the answer is
    /// `false` (a connector that has learned, from another job's step, that the project exists).
    ///
    /// A burst of onboardings into one project then queues behind the lock only until the first
    /// one has found or created the project, instead of one after another.
    func withResourceLock<Result: Sendable>(
        _ key: String,
        job: ClaimedJob,
        while stillNeeded: () -> Bool,
        _ body: () async throws -> Result
    ) async throws -> Result {
        guard stillNeeded() else { return try await body() }
        let owner = "\(workerID):\(job.id)"
        while true {
            let acquired = try await pool.query(
                """
                INSERT INTO resource_locks (key, owner, expires_at) VALUES (\(key), \(owner), now() + make_interval(secs => \(leaseSeconds)))
                ON CONFLICT (key) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
                WHERE resource_locks.expires_at < now() OR resource_locks.owner = excluded.owner
                RETURNING 1
                """
            ).rows
            if !acquired.isEmpty { break }
            try await Task.sleep(for: .milliseconds(Int64.random(in: 20...80)))
            if !stillNeeded() { return try await body() }
        }
        do {
            let result = try await body()
            try await pool.execute("DELETE FROM resource_locks WHERE key = \(key) AND owner = \(owner)")
            return result
        } catch {
            _ = try? await pool.execute("DELETE FROM resource_locks WHERE key = \(key) AND owner = \(owner)")
            throw error
        }
    }
}
