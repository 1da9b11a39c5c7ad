import Foundation
import RosterCore

/// Where a page of ``JobReader/list(_:)`` ended: the last job shown (creation time and id, the
/// list's order). The next page lists the jobs after it, so pages stay stable while new jobs arrive
/// and cost the same on the hundredth page as on the first.
public struct JobCursor: Sendable, Hashable {
    /// The creation time (`jobs.created_at`) of the last job shown.
    public var createdAt: Timestamp
    /// The id of the last job shown; breaks ties between equal creation times.
    public var id: Int64

    /// Creates a cursor at a position in the list's order (creation time, then id).
    public init(createdAt: Timestamp, id: Int64) {
        self.createdAt = createdAt
        self.id = id
    }

    /// The cursor just after `job`.
    public init(after job: JobRecord) {
        self.init(createdAt: job.createdAt, id: job.id)
    }

    /// `MICROSECONDS-ID`, as carried in a link.
    public var text: String { "\(createdAt.microsecondsSince1970)-\(id)" }

    /// Parses ``text``; `nil` for anything else.
    public init?(text: String) {
        let parts = text.split(separator: "-")
        guard parts.count == 2, let micros = Int64(parts[0]), let id = Int64(parts[1]) else { return nil }
        self.init(createdAt: Timestamp(microsecondsSince1970: micros), id: id)
    }
}
