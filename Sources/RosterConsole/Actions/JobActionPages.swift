import RosterCore
import RosterWorker

/// The pages of a replay or a cancellation: the dry run (jobs affected, refusals with their
/// reasons, the vendor calls a replay would make) with the form that confirms it, which needs a
/// reason; then what happened.
struct JobActionPages {
    /// One job's line in a dry run or a result.
    struct Line: Sendable {
        var job: JobRecord
        /// `would replay`, `replayed`, `refused`, `would cancel`, `cancelled`, …
        var result: String
        var reason: String?
        var calls: [PlannedCall]
        var isRefused: Bool
    }

    var action: JobAction
    var lines: [Line]

    init(action: JobAction, replays: [JobReplayer.Outcome]) {
        self.action = action
        lines = replays.map { outcome in
            switch outcome.result {
            case .replayed:
                Line(job: outcome.job, result: "replayed", reason: nil, calls: outcome.calls, isRefused: false)
            case .wouldReplay:
                Line(job: outcome.job, result: "would replay", reason: nil, calls: outcome.calls, isRefused: false)
            case .refused(let why): Line(job: outcome.job, result: "refused", reason: why, calls: [], isRefused: true)
            }
        }
    }

    init(action: JobAction, cancels: [JobCanceller.Outcome]) {
        self.action = action
        lines = cancels.map { outcome in
            switch outcome.result {
            case .cancelled: Line(job: outcome.job, result: "cancelled", reason: nil, calls: [], isRefused: false)
            case .stopping(let worker):
                Line(
                    job: outcome.job, result: "cancelled",
                    reason: "worker \(worker) stops before its next step; the call in flight completes", calls: [],
                    isRefused: false)
            case .wouldCancel: Line(job: outcome.job, result: "would cancel", reason: nil, calls: [], isRefused: false)
            case .refused(let why): Line(job: outcome.job, result: "refused", reason: why, calls: [], isRefused: true)
            }
        }
    }

    /// The dry run and, when anything would happen, the confirmation form.
    func preview(csrfToken: String, error: String?, reason: String?) -> HTML {
        let doable = lines.filter { !$0.isRefused }
        let verb = action.kind.verb.lowercased()
        let refused = lines.count - doable.count
        let notice: HTML =
            error.map { "<p class=\"notice error\" role=\"alert\" id=\"form-error\">\($0)</p>" } ?? .empty
        let missing: HTML =
            action.missing.isEmpty
            ? .empty
            : "<p class=\"notice error\">No such job: \(action.missing.map(String.init).joined(separator: ", ")).</p>"
        var form: HTML = "<p><strong>Nothing to \(verb):</strong> every job is refused. Nothing was changed.</p>"
        if !doable.isEmpty {
            let ids = HTML.join(doable.map { "<input type=\"hidden\" name=\"id\" value=\"\($0.job.id)\">" as HTML })
            let fromStart: HTML = action.fromStart ? "<input type=\"hidden\" name=\"from_start\" value=\"on\">" : .empty
            let confirm: HTML =
                action.needsConfirmation
                ? """
                <p><label><input type="checkbox" name="confirm" value="yes"> Yes: \(action.jobs.count > JobReplayer.bulkThreshold ? "act on more than \(JobReplayer.bulkThreshold) jobs at once" : "")\
                \(action.kind == .cancel && action.jobs.contains { $0.kind == .offboarding } ? " cancel an offboarding, leaving a leaver's access in place" : "") (the CLI's --yes)</label></p>
                """
                : .empty
            let described: HTML = error == nil ? .empty : " aria-describedby=\"form-error\""
            form = """
                <form method="post" action="/actions/\(action.kind.rawValue)">
                <input type="hidden" name="csrf" value="\(csrfToken)">\(ids)\(fromStart)
                <p><label for="reason">Reason (required; recorded in the audit log with your name)</label><br>
                <textarea id="reason" name="reason" rows="2" aria-required="true"\(described)>\(reason ?? "")</textarea></p>
                \(confirm)
                <div class="actions"><button type="submit" class="\(HTML(unsafeMarkup: action.kind == .cancel ? "danger" : "primary"))">\
                \(action.kind.verb) \(doable.count) job\(doable.count == 1 ? "" : "s")</button> <a href="/jobs">Back to the jobs</a></div>
                </form>
                """
        }
        return """
            <h1>\(action.kind.verb)\(action.fromStart ? " from the start" : ""): dry run</h1>
            \(notice)\(missing)
            <p class="notice">Dry run: nothing has changed yet. \(doable.count) job\(doable.count == 1 ? "" : "s") would be \
            \(action.kind == .replay ? "replayed" : "cancelled"), \(refused) refused.</p>
            \(table)
            \(form)
            """
    }

    /// What happened.
    func result(operatorName: String, reason: String) -> HTML {
        let done = lines.filter { !$0.isRefused }.count
        return """
            <h1>\(action.kind.verb): done</h1>
            <p class="notice ok" role="status">\(done) job\(done == 1 ? "" : "s") \(action.kind == .replay ? "replayed" : "cancelled"), \
            \(lines.count - done) refused. Recorded in the audit log as operator:\(operatorName), reason "\(reason)".</p>
            \(table)
            <p><a href="/jobs">Back to the jobs</a></p>
            """
    }

    private var table: HTML {
        let rows = HTML.join(
            lines.map { line in
                let calls: HTML =
                    line.calls.isEmpty
                    ? "–" : "<ul>" + HTML.join(line.calls.map { "<li>\($0.description)</li>" as HTML }) + "</ul>"
                return """
                    <tr><td><a href="/jobs/\(line.job.id)">\(line.job.id)</a></td><td>\(line.job.employeeID)</td><td>\(line.job.kind.shortName)</td>\
                    <td>\(Format.status(line.job.status.rawValue))</td><td>\(Format.status(line.result))</td>\
                    <td>\(line.reason ?? "")</td><td>\(calls)</td></tr>
                    """ as HTML
            })
        return """
            <table><thead><tr><th scope="col">Job</th><th scope="col">Employee</th><th scope="col">Type</th><th scope="col">Was</th>\
            <th scope="col">Result</th><th scope="col">Why</th><th scope="col">Vendor calls it makes</th></tr></thead><tbody>\(rows)</tbody></table>
            """
    }
}
