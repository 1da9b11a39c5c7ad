import ArgumentParser
import RosterPostgres
import RosterWorker

/// Which jobs an operator command acts on: ids or filters, never neither, so a bare
/// `roster replay --reason …` cannot mean "everything". Shared by `replay` and `cancel`.
struct JobSelectionOptions: ParsableArguments {
    @OptionGroup var filters: JobFilterOptions

    @Argument(help: "Job ids (or use filters).")
    var ids: [Int64] = []

    @Option(help: "At most this many jobs by filter.")
    var limit = 1000

    func validate() throws {
        let hasFilter =
            !filters.status.isEmpty || !filters.type.isEmpty || filters.vendor != nil || filters.employee != nil
            || filters.since != nil || filters.until != nil
        if ids.isEmpty, !hasFilter {
            throw ValidationError(
                "give job ids, or a filter (--status, --type, --vendor, --employee, --since, --until)")
        }
        if !ids.isEmpty, hasFilter { throw ValidationError("give job ids or filters, not both") }
    }

    /// The ids or filters as one query, checked before anything connects.
    func filter() throws -> JobFilter {
        try filters.filter(ids: ids, limit: ids.isEmpty ? limit : ids.count)
    }

    /// The jobs `filter` selects; every explicit id must exist, or nothing is done.
    static func jobs(_ filter: JobFilter, pool: PostgresPool) async throws -> [JobRecord] {
        let jobs = try await JobReader(pool: pool).list(filter)
        let missing = filter.ids.filter { id in !jobs.contains { $0.id == id } }
        if !missing.isEmpty {
            throw OperationsError(
                .notFound,
                "job\(missing.count == 1 ? "" : "s") \(missing.map(String.init).joined(separator: ", ")) do\(missing.count == 1 ? "es" : "") not exist; nothing was done"
            )
        }
        return filter.ids.isEmpty ? jobs : filter.ids.compactMap { id in jobs.first { $0.id == id } }
    }
}
