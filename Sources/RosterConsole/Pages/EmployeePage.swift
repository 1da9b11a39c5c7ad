import RosterCore
import RosterWorker

/// `/employees/ID`: everything Roster did for one person, by HR employee id: every job, every
/// vendor mutation and operator action (``AuditReader/report(employee:)``), per offboarding the
/// time to revoke and, per vendor, the verification evidence (`verifications`: verified absent at
/// T, access found, residual) and what the API could not remove, and reconciliation's findings
/// about them (``FindingRecord``).
struct EmployeePage {
    var employeeID: String
    var jobs: [JobRecord]
    var audit: AuditReport
    var findings: [FindingRecord]
    var now: Timestamp

    var html: HTML {
        """
        <h1>Employee \(employeeID)</h1>
        <p class="muted">HR employee id only: Roster never shows names or addresses.</p>
        <p><a href="/jobs?employee=\(FormData.encode(employeeID))">These jobs in the jobs list</a> (to filter, select and replay)</p>
        \(revocations)
        \(findingsTable)
        \(jobsTable)
        \(mutations)
        """
    }

    private var revocations: HTML {
        guard !audit.revocations.isEmpty else { return "<h2>Offboardings</h2><p>No offboarding recorded.</p>" }
        return "<h2>Offboardings: time to revoke and verification</h2>"
            + HTML.join(
                audit.revocations.map { r in
                    let headline: HTML =
                        if let revokedAt = r.revokedAt, let ttr = r.timeToRevoke {
                            "Access gone everywhere at \(Format.time(revokedAt, now: now)): time to revoke <strong>\(Format.duration(ttr))</strong>."
                        } else {
                            "<strong>Not complete</strong>: access may remain (job \(r.status.rawValue))."
                        }
                    let rows = HTML.join(
                        r.vendors.map { v in
                            let verification: HTML =
                                switch v.verification {
                                case "absent":
                                    "\(Format.status("absent")) verified absent at \(Format.time(v.verifiedAt, now: now))"
                                case let result?: Format.status(result)
                                case nil: r.status == .succeeded ? "pending" : "–"
                                }
                            return """
                                <tr><td>\(v.name)</td><td>\(Format.status(v.complete ? "succeeded" : "pending"))</td>\
                                <td>\(v.lastMutationAt.map { Format.time($0, now: now) } ?? "nothing to remove")</td><td>\(verification)</td>\
                                <td>\(v.residual ?? "–")</td></tr>
                                """ as HTML
                        })
                    return """
                        <h3>Job <a href="/jobs/\(r.jobID)">\(r.jobID)</a> (event \(r.eventID), HR time \(Format.time(r.eventTime, now: now)))</h3>
                        <p>\(headline)</p>
                        <table><thead><tr><th scope="col">Vendor</th><th scope="col">Revoked</th><th scope="col">Last change</th>\
                        <th scope="col">Verification</th><th scope="col">Residual access (left by hand)</th></tr></thead><tbody>\(rows)</tbody></table>
                        """ as HTML
                })
    }

    private var findingsTable: HTML {
        guard !findings.isEmpty else { return "<h2>Reconciliation findings</h2><p>None recorded.</p>" }
        let rows = HTML.join(
            findings.map { f in
                """
                <tr><td>\(f.vendor)</td><td>\(Format.status(f.situation))\(f.residual ? " (residual)" : "")</td><td>\(f.detail)</td>\
                <td><code>\(Format.ids(f.target))</code></td><td>\(f.jobID.map { "<a href=\"/jobs/\($0)\">\($0)</a>" as HTML } ?? "–")</td>\
                <td>\(Format.time(f.firstSeenAt, now: now))</td><td>\(f.resolvedAt.map { Format.time($0, now: now) } ?? "open")</td></tr>
                """ as HTML
            })
        return """
            <h2>Reconciliation findings</h2>
            <table><thead><tr><th scope="col">Vendor</th><th scope="col">Situation</th><th scope="col">Detail</th><th scope="col">Vendor ids</th>\
            <th scope="col">Job</th><th scope="col">First seen</th><th scope="col">Resolved</th></tr></thead><tbody>\(rows)</tbody></table>
            """
    }

    private var jobsTable: HTML {
        let rows = HTML.join(
            jobs.map { job in
                """
                <tr><td><a href="/jobs/\(job.id)">\(job.id)</a></td><td>\(job.kind.shortName)</td><td>\(Format.status(job.status.rawValue))</td>\
                <td>\(Format.time(job.createdAt, now: now))</td><td>\(Format.time(job.finishedAt, now: now))</td></tr>
                """ as HTML
            })
        return """
            <h2>Jobs (\(jobs.count))</h2>
            <table><thead><tr><th scope="col">Job</th><th scope="col">Type</th><th scope="col">Status</th><th scope="col">Created</th>\
            <th scope="col">Finished</th></tr></thead><tbody>\(rows)</tbody></table>
            """
    }

    private var mutations: HTML {
        guard !audit.entries.isEmpty else {
            return "<h2>Vendor mutations and operator actions</h2><p>None recorded.</p>"
        }
        let rows = HTML.join(
            audit.entries.map { e in
                """
                <tr><td>\(Format.time(e.at, now: now))</td><td>\(e.actor)</td><td>\(e.jobID.map { "<a href=\"/jobs/\($0)\">\($0)</a>" as HTML } ?? "–")</td>\
                <td>\(e.vendor ?? "–")</td><td>\(e.action)</td><td><code>\(e.targetSummary)</code></td><td>\(e.outcome)</td><td>\(e.reason ?? "")</td></tr>
                """ as HTML
            })
        return """
            <h2>Vendor mutations and operator actions</h2>
            <table><thead><tr><th scope="col">Time</th><th scope="col">Actor</th><th scope="col">Job</th><th scope="col">Vendor</th>\
            <th scope="col">Action</th><th scope="col">Target</th><th scope="col">Outcome</th><th scope="col">Reason</th></tr></thead>
            <tbody>\(rows)</tbody></table>
            """
    }
}
