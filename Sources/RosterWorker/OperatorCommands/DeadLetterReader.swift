import Foundation
import RosterCore
import RosterPostgres

/// Reads the `dead_letters` table for `roster dlq list|show`.
public struct DeadLetterReader: Sendable {
    /// Which dead letters ``DeadLetterReader/list(_:)`` returns: every criterion set must match.
    public struct Filter: Sendable, Hashable {
        /// Any of these statuses (`new`, `replayed`, `discarded`); empty means any.
        public var statuses: [String] = []
        /// Any of these codes (``DeadLetterRecord/code``); empty means any.
        public var codes: [String] = []
        /// Recorded (`created_at`) at or after this time.
        public var since: Timestamp?
        /// Recorded before this time.
        public var until: Timestamp?
        /// At most this many, newest first.
        public var limit = 50
        /// Creates a filter; the defaults match the 50 newest dead letters.
        public init(
            statuses: [String] = [], codes: [String] = [], since: Timestamp? = nil, until: Timestamp? = nil,
            limit: Int = 50
        ) {
            self.statuses = statuses
            self.codes = codes
            self.since = since
            self.until = until
            self.limit = limit
        }
    }

    let pool: PostgresPool

    /// Creates a reader over `pool`; it never writes.
    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// Dead letters matching `filter`, newest first.
    public func list(_ filter: Filter) async throws -> [DeadLetterRecord] {
        try await fetch(ids: [], filter: filter, on: nil)
    }

    /// - Throws: ``OperationsError`` (not found), ``PostgresError``.
    public func deadLetter(_ id: Int64) async throws -> DeadLetterRecord {
        guard let record = try await fetch(ids: [id], filter: Filter(limit: 1), on: nil).first else {
            throw OperationsError.notFound("dead letter \(id) does not exist")
        }
        return record
    }

    func fetch(
        ids: [Int64], filter: Filter, on connection: PostgresConnection?, lock: Bool = false
    ) async throws -> [DeadLetterRecord] {
        let query: PostgresQuery = """
            SELECT * FROM dead_letters
            WHERE (cardinality(\(ids)::int8[]) = 0 OR id = ANY(\(ids)::int8[]))
              AND (cardinality(\(filter.statuses)::text[]) = 0 OR status = ANY(\(filter.statuses)::text[]))
              AND (cardinality(\(filter.codes)::text[]) = 0 OR code = ANY(\(filter.codes)::text[]))
              AND (\(filter.since)::timestamptz IS NULL OR created_at >= \(filter.since)::timestamptz)
              AND (\(filter.until)::timestamptz IS NULL OR created_at < \(filter.until)::timestamptz)
            ORDER BY created_at DESC, id DESC
            LIMIT \(Int64(max(filter.limit, 0)))
            \(unescaped: lock ? "FOR UPDATE" : "")
            """
        let result = if let connection { try await connection.query(query) } else { try await pool.query(query) }
        return try result.rows.map { row in
            DeadLetterRecord(
                id: try row.decode(Int64.self, column: "id"), topic: try row.decode(String.self, column: "topic"),
                partition: try row.decode(Int.self, column: "partition"),
                offset: try row.decode(Int64.self, column: "offset"),
                key: try row.decode(Data?.self, column: "key"), value: try row.decode(Data.self, column: "value"),
                headerKeys: try row.decode([String].self, column: "header_keys"),
                code: try row.decode(String.self, column: "code"),
                reason: try row.decode(String.self, column: "reason"),
                eventID: try row.decode(String?.self, column: "event_id"),
                createdAt: try row.decode(Timestamp.self, column: "created_at"),
                status: try row.decode(String.self, column: "status"),
                resolution: try row.decode(String?.self, column: "resolution"),
                resolvedAt: try row.decode(Timestamp?.self, column: "resolved_at"),
                replayAttempts: try row.decode(Int.self, column: "replay_attempts"),
                replayedAt: try row.decode(Timestamp?.self, column: "replayed_at"),
                replayOutcome: try row.decode(String?.self, column: "replay_outcome"),
                replayEventID: try row.decode(String?.self, column: "replay_event_id"),
                replayJobID: try row.decode(Int64?.self, column: "replay_job_id"),
                replayRejection: try row.decode(String?.self, column: "replay_rejection"),
                replayCorrected: try row.decode(Bool?.self, column: "replay_corrected"),
                replayOperator: try row.decode(String?.self, column: "replay_operator"),
                replayReason: try row.decode(String?.self, column: "replay_reason")
            )
        }
    }
}
