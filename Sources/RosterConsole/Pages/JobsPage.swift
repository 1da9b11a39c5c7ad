import RosterCore
import RosterWorker

/// `/jobs`: the filters, one page of jobs newest first (``JobReader/list(_:)``, paged with
/// ``JobCursor``), and, unless read-only, a multi-select whose buttons lead to a replay's or a
/// cancellation's dry run (of the selected jobs, or of every job the filter matches).
struct JobsPage {
    var query: FormData
    var jobs: [JobRecord]
    var hasMore: Bool
    var vendors: [String]
    var readOnly: Bool
    var error: String?
    var now: Timestamp

    var html: HTML {
        let filters = JobFilterForm.filterFields(query)
        let notice: HTML = error.map { "<p class=\"notice error\" role=\"alert\">\($0)</p>" } ?? .empty
        let caption =
            filters.fields.isEmpty
            ? "All jobs" : "Jobs matching " + filters.fields.map { "\($0.name) \($0.value)" }.joined(separator: ", ")
        return """
            <h1>Jobs</h1>
            \(JobFilterForm(query: query, vendors: vendors).html)
            \(notice)
            <form method="get" action="/actions/preview" data-selection aria-label="Select jobs">
            \(JobFilterForm.hiddenFields(query))
            \(actions(filtered: !filters.fields.isEmpty))
            \(table(caption: caption))
            </form>
            \(pager)
            """
    }

    private func actions(filtered: Bool) -> HTML {
        guard !readOnly, !jobs.isEmpty else { return .empty }
        let byFilter: HTML =
            filtered
            ? """
            <button type="submit" name="do" value="replay-filter">Replay all matching…</button>
            <button type="submit" name="do" value="cancel-filter">Cancel all matching…</button>
            """
            : .empty
        return """
            <div class="actions" role="group" aria-label="Actions on jobs">
            <button type="submit" name="do" value="replay-selected" class="primary">Replay selected…</button>
            <button type="submit" name="do" value="cancel-selected">Cancel selected…</button>
            \(byFilter)
            <label><input type="checkbox" name="from_start" value="on"> replay from the start (re-plan)</label>
            <output data-selected-count aria-live="polite"></output>
            <span class="muted">Every action shows its dry run first.</span>
            </div>
            """
    }

    private func table(caption: String) -> HTML {
        guard !jobs.isEmpty else { return "<p>No job matches.</p>" }
        let selectAll: HTML =
            readOnly
            ? .empty
            : "<th scope=\"col\"><input type=\"checkbox\" data-select-all hidden aria-label=\"Select every job on this page\"></th>"
        let rows = HTML.join(jobs.map(row))
        return """
            <table><caption class="muted">\(caption)</caption><thead><tr>\(selectAll)<th scope="col">Job</th><th scope="col">Employee</th>\
            <th scope="col">Type</th><th scope="col">Status</th><th scope="col" class="num">Claims</th><th scope="col">Vendors</th>\
            <th scope="col">Last change</th><th scope="col">Why</th></tr></thead>
            <tbody>\(rows)</tbody></table>
            """
    }

    private func row(_ job: JobRecord) -> HTML {
        let select: HTML =
            readOnly
            ? .empty
            : "<td><input type=\"checkbox\" name=\"id\" value=\"\(job.id)\" aria-label=\"Select job \(job.id)\"></td>"
        let vendors = Array(Set(job.steps.map(\.vendor))).sorted().joined(separator: ", ")
        let why = job.status == .cancelled ? job.cancelReason : job.status == .held ? job.holdReason : job.lastError
        return """
            <tr>\(select)<td><a href="/jobs/\(job.id)">\(job.id)</a></td><td><a href="/employees/\(FormData.encode(job.employeeID))">\(job.employeeID)</a></td>\
            <td>\(job.kind.shortName)</td><td>\(Format.status(job.status.rawValue))</td><td class="num">\(job.attempts)</td>\
            <td>\(vendors.isEmpty ? "–" : vendors)</td><td>\(Format.time(job.updatedAt, now: now))</td><td>\(Self.shorten(why ?? ""))</td></tr>
            """
    }

    private var pager: HTML {
        var links: [HTML] = []
        if query["after"] != nil {
            let first = JobFilterForm.filterFields(query).encoded
            links.append("<a href=\"/jobs\(first.isEmpty ? "" : "?" + first)\">« Newest</a>")
        }
        if hasMore, let last = jobs.last {
            let next = JobFilterForm.filterFields(query).setting("after", JobCursor(after: last).text).encoded
            links.append("<a href=\"/jobs?\(next)\" rel=\"next\">Older »</a>")
        }
        return links.isEmpty ? .empty : "<nav class=\"pager\" aria-label=\"Pages\">\(HTML.join(links))</nav>"
    }

    /// At most 160 characters of a message, for tables.
    static func shorten(_ text: String) -> String {
        text.count <= 160 ? text : String(text.prefix(157)) + "…"
    }
}
