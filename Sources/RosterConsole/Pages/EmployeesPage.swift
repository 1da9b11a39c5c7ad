import RosterCore
import RosterWorker

/// `/employees`: find one person by HR employee id; open residual access (what the vendors' APIs
/// cannot remove, for a person to remove by hand); the latest offboardings.
struct EmployeesPage {
    var recentOffboardings: [JobRecord]
    /// Open findings of access the vendors' APIs cannot remove.
    var residual: [FindingRecord]
    var now: Timestamp

    var html: HTML {
        let rows = HTML.join(
            recentOffboardings.map { job in
                """
                <tr><td><a href="/employees/\(FormData.encode(job.employeeID))">\(job.employeeID)</a></td><td><a href="/jobs/\(job.id)">\(job.id)</a></td>\
                <td>\(Format.status(job.status.rawValue))</td><td>\(Format.time(job.createdAt, now: now))</td></tr>
                """ as HTML
            })
        let table: HTML =
            recentOffboardings.isEmpty
            ? "<p>None.</p>"
            : """
            <table><thead><tr><th scope="col">Employee</th><th scope="col">Job</th><th scope="col">Status</th><th scope="col">Created</th></tr></thead>
            <tbody>\(rows)</tbody></table>
            """
        let residualRows = HTML.join(
            residual.map { f in
                """
                <tr><td>\(f.employeeID.map { "<a href=\"/employees/\(FormData.encode($0))\">\($0)</a>" as HTML } ?? "–")</td><td>\(f.vendor)</td>\
                <td>\(f.detail)</td><td><code>\(Format.ids(f.target))</code></td><td>\(Format.time(f.firstSeenAt, now: now))</td></tr>
                """ as HTML
            })
        let residualTable: HTML =
            residual.isEmpty
            ? "<p>None: every leaver's access that Roster could not remove has been dealt with.</p>"
            : """
            <table><thead><tr><th scope="col">Employee</th><th scope="col">Vendor</th><th scope="col">What is left</th>\
            <th scope="col">Vendor ids</th><th scope="col">Seen since</th></tr></thead><tbody>\(residualRows)</tbody></table>
            """
        return """
            <h1>Employees</h1>
            <form class="filters" method="get" action="/employees" role="search" aria-label="Find an employee">
            <label for="employee-id">HR employee id<input id="employee-id" name="id" placeholder="E1001" required></label>
            <button type="submit" class="primary">Show</button>
            </form>
            <h2 id="residual">Residual access: remove by hand</h2>
            \(residualTable)
            <h2>Latest offboardings</h2>
            \(table)
            """
    }
}
