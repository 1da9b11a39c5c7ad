import RosterCore
import RosterWorker

/// `/employees`: find one person by HR employee id, and the latest offboardings.
struct EmployeesPage {
    var recentOffboardings: [JobRecord]
    var now: Timestamp

    var html: HTML {
        let rows = HTML.join(recentOffboardings.map { job in
            """
            <tr><td><a href="/employees/\(FormData.encode(job.employeeID))">\(job.employeeID)</a></td><td><a href="/jobs/\(job.id)">\(job.id)</a></td>\
            <td>\(Format.status(job.status.rawValue))</td><td>\(Format.time(job.createdAt, now: now))</td></tr>
            """ as HTML
        })
        let table: HTML = recentOffboardings.isEmpty ? "<p>None.</p>" : """
            <table><thead><tr><th scope="col">Employee</th><th scope="col">Job</th><th scope="col">Status</th><th scope="col">Created</th></tr></thead>
            <tbody>\(rows)</tbody></table>
            """
        return """
            <h1>Employees</h1>
            <form class="filters" method="get" action="/employees" role="search" aria-label="Find an employee">
            <label for="employee-id">HR employee id<input id="employee-id" name="id" placeholder="E1001" required></label>
            <button type="submit" class="primary">Show</button>
            </form>
            <h2>Latest offboardings</h2>
            \(table)
            """
    }
}
