import RosterCore
import RosterPostgres

/// A job this worker holds a lease on: the job's one Swift shape, ``JobRecord``, with the claim's
/// fencing token.
///
/// Every column of the `jobs` row reads through it (`job.id`, `job.kind`, `job.vendors`), so a
/// column added to ``JobRecord`` reaches the executor with no change here.
@dynamicMemberLookup
public struct ClaimedJob: Sendable, Hashable {
    /// The claimed `jobs` row as the claim returned it (its ``JobRecord/steps`` are empty: the
    /// executor reads them with ``JobStore/steps(of:)``).
    public var record: JobRecord
    /// This claim's fencing token (`jobs.claim_token`): every write for the job requires it (and
    /// `running`).
    public var token: Int64

    /// A claim of `record` under `token`.
    public init(record: JobRecord, token: Int64) {
        self.record = record
        self.token = token
    }

    /// A column of the claimed row.
    public subscript<Value>(dynamicMember column: KeyPath<JobRecord, Value>) -> Value { record[keyPath: column] }
}

extension ClaimedJob: PostgresRowDecodable {
    /// The claimed `jobs` row, by column name (the claim returns `jobs.*`).
    public init(row: PostgresRow) throws(PostgresError) {
        self.init(record: try JobRecord(row: row), token: try row.decode(Int64.self, column: "claim_token"))
    }
}
