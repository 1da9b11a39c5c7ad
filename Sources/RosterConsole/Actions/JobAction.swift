import RosterCore
import RosterWorker

/// A replay or a cancellation asked for in the console, on explicit jobs (a multi-select, or one
/// job's page) or on every job a filter matches (at most ``ConsoleConfiguration/bulkLimit``).
struct JobAction: Sendable {
    enum Kind: String, Sendable {
        case replay, cancel

        var verb: String { self == .replay ? "Replay" : "Cancel" }
    }

    var kind: Kind
    var fromStart: Bool
    /// The jobs, as read now.
    var jobs: [JobRecord]
    /// Ids asked for that do not exist.
    var missing: [Int64]

    /// Whether the operator must tick "yes" (the CLI's `--yes`): more than
    /// ``JobReplayer/bulkThreshold`` jobs, or cancelling an offboarding.
    var needsConfirmation: Bool {
        jobs.count > JobReplayer.bulkThreshold
            || (kind == .cancel && jobs.contains { $0.kind == .offboarding && !$0.status.isFinished })
    }

    /// Reads the selection named by `fields`: `do` (`replay-selected`, `cancel-selected`,
    /// `replay-filter`, `cancel-filter`, or `kind` given), `id` (repeated), the filter fields and
    /// `from_start`.
    static func read(
        _ fields: FormData, kind given: Kind? = nil, reader: JobReader, bulkLimit: Int
    ) async throws -> JobAction {
        let command = fields["do"] ?? "\(given?.rawValue ?? "")-selected"
        let parts = command.split(separator: "-")
        guard parts.count == 2, let kind = given ?? Kind(rawValue: String(parts[0])),
            ["selected", "filter"].contains(parts[1])
        else {
            throw ConsolePageError.badRequest("unknown action \"\(command)\"")
        }
        let fromStart = fields["from_start"] == "on"
        if parts[1] == "filter" {
            let filter: JobFilter
            do {
                filter = try JobFilterForm.filter(fields.setting("after", nil), limit: bulkLimit + 1, now: Console.now)
            } catch {
                throw ConsolePageError.badRequest(error.message)
            }
            guard filter.hasFilter else {
                throw ConsolePageError.badRequest(
                    "a bulk action by filter needs at least one filter (it never means every job)")
            }
            let jobs = try await reader.list(filter)
            guard jobs.count <= bulkLimit else {
                throw ConsolePageError.badRequest(
                    "more than \(bulkLimit) jobs match; narrow the filter (e.g. --since) and try again")
            }
            return JobAction(kind: kind, fromStart: fromStart, jobs: jobs, missing: [])
        }
        var ids: [Int64] = []
        for text in fields.all("id") {
            guard let id = Int64(text), id > 0 else { throw ConsolePageError.badRequest("\"\(text)\" is not a job id") }
            if !ids.contains(id) { ids.append(id) }
        }
        guard !ids.isEmpty else {
            throw ConsolePageError.badRequest("select at least one job (tick its box in the list)")
        }
        guard ids.count <= bulkLimit else { throw ConsolePageError.badRequest("at most \(bulkLimit) jobs at once") }
        let jobs = try await reader.list(JobFilter(ids: ids, limit: ids.count))
        let found = Set(jobs.map(\.id))
        return JobAction(kind: kind, fromStart: fromStart, jobs: jobs, missing: ids.filter { !found.contains($0) })
    }
}
