import RosterCore
import RosterWorker

/// A dead letter's replay as received: the dry run (what the worker's decoder makes of it now,
/// the job it would create and its vendor calls, or why not) with the confirmation form, then
/// what happened.
struct DeadLetterReplayPage {
    var id: Int64
    var outcome: DeadLetterReplayer.Outcome

    private var summary: (result: String, detail: HTML, calls: [PlannedCall]) {
        switch outcome.result {
        case .jobCreated(let event, let job, let status):
            ("job created", "event \(event) became <a href=\"/jobs/\(job)\">job \(job)</a> (\(status))", [])
        case .duplicate(let event, let job):
            ("duplicate", "event \(event) was already in the inbox\(job.map { " (job \($0))" } ?? ""); nothing new", [])
        case .rejected(let why): ("rejected", "rejected again: \(why)", [])
        case .wouldCreate(let event, let type, let employee, let calls):
            ("would create a job", "event \(event): a \(type) job for employee \(employee)", calls)
        case .wouldBeDuplicate(let event):
            ("would be a duplicate", "event \(event) is already in the inbox: nothing new would happen", [])
        case .refused(let why): ("refused", "\(why)", [])
        }
    }

    func preview(csrfToken: String, error: String?, reason: String?) -> HTML {
        let s = summary
        let notice: HTML = error.map { "<p class=\"notice error\" role=\"alert\">\($0)</p>" } ?? .empty
        let calls: HTML =
            s.calls.isEmpty
            ? .empty
            : "<h2>Vendor calls the job would make</h2><ul>"
                + HTML.join(s.calls.map { "<li>\($0.description)</li>" as HTML }) + "</ul>"
        let canReplay: Bool =
            switch outcome.result {
            case .wouldCreate, .wouldBeDuplicate: true
            default: false
            }
        let form: HTML =
            canReplay
            ? """
            <form method="post" action="/dead-letters/\(id)/replay">
            <input type="hidden" name="csrf" value="\(csrfToken)">
            <p><label for="reason">Reason (required; recorded in the audit log with your name)</label><br>
            <textarea id="reason" name="reason" rows="2" aria-required="true">\(reason ?? "")</textarea></p>
            <div class="actions"><button type="submit" class="primary">Replay dead letter \(id)</button> <a href="/dead-letters/\(id)">Back</a></div>
            </form>
            """
            : "<p>Nothing to replay. <a href=\"/dead-letters/\(id)\">Back</a></p>"
        return """
            <h1>Replay dead letter \(id) as received: dry run</h1>
            \(notice)
            <p class="notice">Dry run, through the worker's decoder with the current configuration: \(Format.status(s.result)) \(s.detail). Nothing has changed yet.</p>
            \(calls)
            \(form)
            """
    }

    func result(operatorName: String, reason: String) -> HTML {
        let s = summary
        return """
            <h1>Dead letter \(id): \(s.result)</h1>
            <p class="notice\(HTML(unsafeMarkup: outcome.isFailure ? " error" : " ok"))" role="status">\(s.detail). Recorded in the audit log as \
            operator:\(operatorName), reason "\(reason)".</p>
            <p><a href="/dead-letters/\(id)">Dead letter \(id)</a> · <a href="/dead-letters">All dead letters</a></p>
            """
    }
}
