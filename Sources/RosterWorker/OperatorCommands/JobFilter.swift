import Foundation
import RosterCore

/// Which jobs a command acts on: explicit ids, or filters (all must match). Shared by
/// `roster jobs list`, `roster replay` and `roster cancel`.
public struct JobFilter: Sendable, Hashable {
    /// Explicit job ids; empty means "any".
    public var ids: [Int64] = []
    /// Any of these statuses; empty means any.
    public var statuses: [JobStatus] = []
    /// Any of these types (`onboarding`, `offboarding`, `changed`); empty means any.
    public var types: [HREvent.Kind] = []
    /// Jobs with a step at this vendor instance, or whose event grants access there.
    public var vendor: String?
    /// One employee's jobs (HR employee id).
    public var employee: String?
    /// Jobs last changed (`updated_at`) at or after this time.
    public var since: Timestamp?
    /// Jobs last changed before this time.
    public var until: Timestamp?
    /// At most this many, newest first.
    public var limit: Int = 50
    /// Only jobs after this one in the list's order (the next page); `nil` starts at the newest.
    public var olderThan: JobCursor? = nil

    /// Creates a filter; ``olderThan`` is set afterwards. The defaults match the 50 newest jobs.
    public init(
        ids: [Int64] = [], statuses: [JobStatus] = [], types: [HREvent.Kind] = [], vendor: String? = nil,
        employee: String? = nil, since: Timestamp? = nil, until: Timestamp? = nil, limit: Int = 50
    ) {
        self.ids = ids
        self.statuses = statuses
        self.types = types
        self.vendor = vendor
        self.employee = employee
        self.since = since
        self.until = until
        self.limit = limit
    }

    /// Whether any filter besides ids is set (bulk actions by filter need one, so that a bare
    /// `roster replay --reason …` never means "everything").
    public var hasFilter: Bool {
        !statuses.isEmpty || !types.isEmpty || vendor != nil || employee != nil || since != nil || until != nil
    }
}
