import Foundation
import RosterCore
import RosterWorker

/// The jobs list's filters, the same as `roster jobs list`'s options (status, type, vendor,
/// employee, since, until), as a GET form: a filtered list is a link that can be shared.
struct JobFilterForm {
    /// The query string's names for the filters.
    static let fieldNames = ["status", "type", "vendor", "employee", "since", "until"]

    var query: FormData
    var vendors: [String]

    /// The filter, at most `limit` jobs, after `cursor`.
    static func filter(
        _ query: FormData, ids: [Int64] = [], limit: Int, now: Timestamp
    ) throws(OperationsError) -> JobFilter {
        var filter = try JobFilter.parse(
            ids: ids, statuses: query.all("status"), types: query.all("type"), vendor: query["vendor"],
            employee: query["employee"],
            since: query["since"], until: query["until"], limit: limit, now: now
        )
        filter.olderThan = query["after"].flatMap(JobCursor.init(text:))
        return filter
    }

    /// Only the filter fields of `query` (no paging, no selection), for links and hidden fields.
    static func filterFields(_ query: FormData) -> FormData {
        FormData(
            fields: query.fields.filter {
                fieldNames.contains($0.name) && !$0.value.trimmingCharacters(in: .whitespaces).isEmpty
            })
    }

    /// The filter fields as hidden inputs.
    static func hiddenFields(_ query: FormData) -> HTML {
        HTML.join(
            filterFields(query).fields.map {
                "<input type=\"hidden\" name=\"\($0.name)\" value=\"\($0.value)\">" as HTML
            })
    }

    private func select(_ name: String, _ label: String, _ options: [String]) -> HTML {
        let chosen = Set(query.all(name).flatMap { $0.split(separator: ",").map(String.init) })
        let items = HTML.join(
            options.map { option in
                chosen.contains(option) ? "<option selected>\(option)</option>" : "<option>\(option)</option>" as HTML
            })
        let any: HTML = chosen.isEmpty ? "<option value=\"\" selected>any</option>" : "<option value=\"\">any</option>"
        return
            "<label for=\"f-\(name)\">\(label)<select id=\"f-\(name)\" name=\"\(name)\">\(any)\(items)</select></label>"
    }

    private func input(_ name: String, _ label: String, placeholder: String) -> HTML {
        "<label for=\"f-\(name)\">\(label)<input id=\"f-\(name)\" name=\"\(name)\" value=\"\(query[name] ?? "")\" placeholder=\"\(placeholder)\" size=\"12\"></label>"
    }

    var html: HTML {
        """
        <form class="filters" method="get" action="/jobs" role="search" aria-label="Filter jobs">
        \(select("status", "Status", JobStatus.allCases.map(\.rawValue)))
        \(select("type", "Type", ["onboarding", "offboarding", "changed"]))
        \(select("vendor", "Vendor", vendors))
        \(input("employee", "Employee id", placeholder: "E1001"))
        \(input("since", "Changed since", placeholder: "2h, 7d, RFC 3339"))
        \(input("until", "Changed before", placeholder: "30m, RFC 3339"))
        <button type="submit" class="primary">Filter</button>
        <a href="/jobs">Clear</a>
        </form>
        """
    }
}
