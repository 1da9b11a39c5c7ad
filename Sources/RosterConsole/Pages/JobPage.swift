import RosterCore
import RosterWorker

/// `/jobs/ID`: one job as `roster jobs show` has it (``JobReader/detail(_:)``): its event without
/// personal data (ids, coordinates and the requested grants), the plan with each step's vendor
/// ids, the outcome per vendor, every attempt, and the timeline.
struct JobPage {
    var detail: JobDetail
    var readOnly: Bool
    var now: Timestamp

    var html: HTML {
        let job = detail.job
        return """
            <h1>Job \(job.id): \(job.kind.shortName) of employee <a href="/employees/\(FormData.encode(job.employeeID))">\(job.employeeID)</a></h1>
            \(actions)
            <dl class="facts">
            <dt>Status</dt><dd>\(Format.status(job.status.rawValue))\(why)</dd>
            <dt>Priority</dt><dd>\(job.priority)</dd>
            <dt>Claims</dt><dd>\(job.attempts)</dd>
            <dt>Created</dt><dd>\(Format.time(job.createdAt, now: now))</dd>
            <dt>Last change</dt><dd>\(Format.time(job.updatedAt, now: now))</dd>
            <dt>Finished</dt><dd>\(Format.time(job.finishedAt, now: now))</dd>
            <dt>Runs after</dt><dd>\(Format.time(job.runAfter, now: now))</dd>
            <dt>Lease</dt><dd>\(job.leaseOwner ?? "none")</dd>
            </dl>
            \(event)
            \(vendorOutcomes)
            \(plan)
            \(attempts)
            \(timeline)
            """
    }

    private var why: HTML {
        let job = detail.job
        let text = job.status == .cancelled ? job.cancelReason : job.status == .held ? job.holdReason : job.lastError
        var why: HTML = text.map { ": \($0)" } ?? .empty
        if job.status == .held {
            why +=
                " <span class=\"muted\">(held by the mass-offboarding brake: <code>roster holds release|cancel</code> decides)</span>"
        } else if let decision = job.holdDecision, let reason = job.holdReason {
            why += " <span class=\"muted\">(was held: \(reason); \(decision.rawValue))</span>"
        }
        return why
    }

    private var actions: HTML {
        guard !readOnly else { return .empty }
        let id = detail.job.id
        return """
            <div class="actions">
            <a href="/actions/preview?do=replay-selected&amp;id=\(id)">Replay…</a>
            <a href="/actions/preview?do=replay-selected&amp;id=\(id)&amp;from_start=on">Replay from the start…</a>
            <a href="/actions/preview?do=cancel-selected&amp;id=\(id)">Cancel…</a>
            <span class="muted">(each shows its dry run first)</span>
            </div>
            """
    }

    private var event: HTML {
        guard let e = detail.event else { return "<h2>Event</h2><p>The event is no longer in the inbox.</p>" }
        let grants: HTML =
            e.access.map { grants in
                grants.isEmpty
                    ? "none"
                    : HTML.join(
                        grants.map { "<code>\($0.vendor) / \($0.project) as \($0.role)</code>" as HTML },
                        separator: ", ")
            } ?? "decided by the access policy"
        return """
            <h2>Event</h2>
            <p class="muted">The payload holds the employee's email and name; it is never shown.</p>
            <dl class="facts">
            <dt>Event id</dt><dd>\(e.id)</dd><dt>Type</dt><dd>\(e.type)</dd><dt>Source</dt><dd>\(e.source)</dd>
            <dt>HR time</dt><dd>\(Format.time(e.time, now: now))</dd><dt>Received</dt><dd>\(Format.time(e.receivedAt, now: now))</dd>
            <dt>Sequence</dt><dd>\(e.sequence.map(String.init) ?? "–")</dd><dt>Deliveries</dt><dd>\(e.deliveries)</dd>
            <dt>Kafka</dt><dd>\(e.topic)[\(e.partition)] offset \(e.offset)</dd><dt>Requested access</dt><dd>\(grants)</dd>
            </dl>
            """
    }

    private var vendorOutcomes: HTML {
        let steps = detail.job.steps
        guard !steps.isEmpty else {
            return "<h2>Per vendor</h2><p>Not planned yet: the executor plans the job when it first claims it.</p>"
        }
        let vendors = Array(Set(steps.map(\.vendor))).sorted()
        let rows = HTML.join(
            vendors.map { vendor in
                let mine = steps.filter { $0.vendor == vendor }
                let outcome =
                    mine.allSatisfy(\.isDone)
                    ? "succeeded" : mine.contains { $0.status == .failed } ? "failed" : "pending"
                let residual = mine.compactMap(\.residual).joined(separator: "; ")
                let error = mine.compactMap(\.lastError).last ?? ""
                return
                    "<tr><td>\(vendor)</td><td>\(Format.status(outcome))</td><td>\(mine.filter(\.isDone).count) of \(mine.count)</td><td>\(error)</td><td>\(residual.isEmpty ? "–" : residual)</td></tr>"
                    as HTML
            })
        return """
            <h2>Per vendor</h2>
            <table><thead><tr><th scope="col">Vendor</th><th scope="col">Outcome</th><th scope="col">Steps done</th><th scope="col">Last error</th>\
            <th scope="col">Residual (the API cannot remove)</th></tr></thead><tbody>\(rows)</tbody></table>
            """
    }

    private var plan: HTML {
        guard !detail.job.steps.isEmpty else { return .empty }
        let rows = HTML.join(
            detail.job.steps.map { s in
                var ids = s.state.values.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                ids += s.state.lists.sorted { $0.key < $1.key }.map { "\($0.key)=[\($0.value.joined(separator: ","))]" }
                return """
                    <tr><td class="num">\(s.position)</td><td>\(s.vendor)</td><td>\(s.name)</td><td>\(s.step.project ?? "–")</td><td>\(s.step.role ?? "–")</td>\
                    <td>\(Format.status(s.status.rawValue))</td><td class="num">\(s.attempts)</td><td>\(Self.code(ids.joined(separator: " ")))</td>\
                    <td>\(Format.time(s.finishedAt, now: now))</td></tr>
                    """ as HTML
            })
        return """
            <h2>Plan</h2>
            <table><thead><tr><th scope="col" class="num">#</th><th scope="col">Vendor</th><th scope="col">Step</th><th scope="col">Project</th>\
            <th scope="col">Role</th><th scope="col">Status</th><th scope="col" class="num">Attempts</th><th scope="col">Vendor ids</th>\
            <th scope="col">Finished</th></tr></thead><tbody>\(rows)</tbody></table>
            """
    }

    /// `text` as code, or a dash when empty.
    static func code(_ text: String) -> HTML {
        text.isEmpty ? "–" : "<code>\(text)</code>"
    }

    private var attempts: HTML {
        guard !detail.attempts.isEmpty else { return "<h2>Attempts</h2><p>No attempt yet.</p>" }
        let steps = Dictionary(detail.job.steps.map { ($0.position, $0) }, uniquingKeysWith: { a, _ in a })
        let rows = HTML.join(
            detail.attempts.map { a in
                let step = steps[a.position]
                return """
                    <tr><td>\(step.map { "\($0.vendor) \($0.name)" } ?? "step \(a.position)")</td><td class="num">\(a.attempt)</td><td>\(a.worker)</td>\
                    <td>\(Format.time(a.startedAt, now: now))</td><td>\(Format.status(a.outcome.rawValue))</td><td>\(a.httpStatus.map(String.init) ?? "–")</td>\
                    <td>\(a.vendorCode ?? "")</td><td>\(a.message ?? "")</td></tr>
                    """ as HTML
            })
        return """
            <h2>Attempts</h2>
            <table><thead><tr><th scope="col">Step</th><th scope="col" class="num">Attempt</th><th scope="col">Worker</th><th scope="col">Started</th>\
            <th scope="col">Outcome</th><th scope="col">HTTP</th><th scope="col">Vendor code</th><th scope="col">Message</th></tr></thead>
            <tbody>\(rows)</tbody></table>
            """
    }

    private var timeline: HTML {
        let items = HTML.join(
            detail.timeline.map { entry in
                // The CLI writes Kafka coordinates as topic[partition]@offset; here they read as words.
                let text =
                    entry.kind == "received"
                    ? detail.event.map { "received from \($0.topic)[\($0.partition)] offset \($0.offset)" }
                        ?? entry.text : entry.text
                return
                    "<li>\(Format.time(entry.at, now: now)) <span class=\"badge\">\(entry.kind)</span> \(entry.vendor.map { "\($0): " } ?? "")\(text)</li>"
                    as HTML
            })
        return "<h2>Timeline</h2><ol>\(items)</ol>"
    }
}
