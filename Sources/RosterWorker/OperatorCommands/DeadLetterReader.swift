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
        public init(statuses: [String] = [], codes: [String] = [], since: Timestamp? = nil, until: Timestamp? = nil, limit: Int = 50) {
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

    func fetch(ids: [Int64], filter: Filter, on connection: PostgresConnection?, lock: Bool = false) async throws -> [DeadLetterRecord] {
        let since = filter.since?.microsecondsSince1970
        let until = filter.until?.microsecondsSince1970
        let query: PostgresQuery = """
            SELECT id, topic, partition, "offset", key, value, header_keys, code, reason, event_id,
                   \(unescaped: microsecondsSQL("created_at")), status, resolution, \(unescaped: microsecondsSQL("resolved_at")),
                   replay_attempts, \(unescaped: microsecondsSQL("replayed_at")), replay_outcome, replay_event_id, replay_job_id,
                   replay_rejection, replay_corrected, replay_operator, replay_reason
            FROM dead_letters
            WHERE (cardinality(\(ids)::int8[]) = 0 OR id = ANY(\(ids)::int8[]))
              AND (cardinality(\(filter.statuses)::text[]) = 0 OR status = ANY(\(filter.statuses)::text[]))
              AND (cardinality(\(filter.codes)::text[]) = 0 OR code = ANY(\(filter.codes)::text[]))
              AND (\(since)::int8 IS NULL OR created_at >= to_timestamp(\(since)::int8 / 1e6))
              AND (\(until)::int8 IS NULL OR created_at < to_timestamp(\(until)::int8 / 1e6))
            ORDER BY created_at DESC, id DESC
            LIMIT \(Int64(max(filter.limit, 0)))
            \(unescaped: lock ? "FOR UPDATE" : "")
            """
        let result = if let connection { try await connection.query(query) } else { try await pool.query(query) }
        return try result.rows.map { row in
            DeadLetterRecord(
                id: try row.decode(Int64.self, at: 0), topic: try row.decode(String.self, at: 1),
                partition: try row.decode(Int.self, at: 2), offset: try row.decode(Int64.self, at: 3),
                key: try row.decode(Data?.self, at: 4), value: try row.decode(Data.self, at: 5),
                headerKeys: try row.decode([String].self, at: 6), code: try row.decode(String.self, at: 7),
                reason: try row.decode(String.self, at: 8), eventID: try row.decode(String?.self, at: 9),
                createdAt: Timestamp(microsecondsSince1970: try row.decode(Int64.self, at: 10)),
                status: try row.decode(String.self, at: 11), resolution: try row.decode(String?.self, at: 12),
                resolvedAt: try row.decode(Int64?.self, at: 13).map(Timestamp.init(microsecondsSince1970:)),
                replayAttempts: try row.decode(Int.self, at: 14),
                replayedAt: try row.decode(Int64?.self, at: 15).map(Timestamp.init(microsecondsSince1970:)),
                replayOutcome: try row.decode(String?.self, at: 16), replayEventID: try row.decode(String?.self, at: 17),
                replayJobID: try row.decode(Int64?.self, at: 18), replayRejection: try row.decode(String?.self, at: 19),
                replayCorrected: try row.decode(Bool?.self, at: 20), replayOperator: try row.decode(String?.self, at: 21),
                replayReason: try row.decode(String?.self, at: 22)
            )
        }
    }
}
