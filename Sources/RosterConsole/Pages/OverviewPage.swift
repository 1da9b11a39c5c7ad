import Foundation
import RosterCore
import RosterKafka
import RosterWorker

/// `/`: what a person opening the console needs first. What needs them (held, dead, waiting for
/// acceptance, dead letters, residual access), then the consumer lag, jobs by state and the
/// oldest queued job, time to revoke over the last 24 hours (p50, p95 and a histogram), and each
/// vendor's budget and breaker. Read with ``StatusReader``, ``AttentionReport`` and
/// ``RevocationTimes``.
struct OverviewPage {
    /// Upper bounds of the time-to-revoke histogram's buckets, in seconds (the objective is 15 min).
    static let revokeBounds: [Double] = [10, 30, 60, 120, 300, 600, 900, 1800, 3600]
    static let revokeLabels = ["≤10s", "≤30s", "≤1m", "≤2m", "≤5m", "≤10m", "≤15m", "≤30m", "≤1h", ">1h"]

    var status: StatusReport
    var attention: AttentionReport
    var revocations: RevocationTimes
    var now: Timestamp

    var html: HTML {
        "<h1>Overview</h1>\n" + needsAPerson + kafka + jobs + timeToRevoke + vendors
    }

    private func card(_ label: String, _ value: Int, link: String, alert: Bool) -> HTML {
        """
        <div class="card\(HTML(unsafeMarkup: alert && value > 0 ? " alert" : ""))"><a href="\(link)">\
        <div class="value">\(Format.count(value))</div><div>\(label)</div></a></div>
        """
    }

    private var needsAPerson: HTML {
        let all =
            attention.held + attention.dead + attention.awaitingAcceptance + attention.deadLettersOpen
            + attention.residualFindings
        let headline: HTML =
            all == 0
            ? "<p class=\"notice ok\">Nothing needs a person right now.</p>"
            : "<p class=\"notice error\" role=\"status\">\(Format.count(all)) item\(all == 1 ? "" : "s") need a person.</p>"
        return """
            <section aria-labelledby="attention"><h2 id="attention">Needs a person</h2>\(headline)
            <div class="cards">
            \(card("offboardings held by the brake", attention.held, link: "/jobs?status=held", alert: true))
            \(card("dead jobs", attention.dead, link: "/jobs?status=dead", alert: true))
            \(card("waiting for a person to accept an invitation", attention.awaitingAcceptance, link: "/jobs?status=retrying", alert: false))
            \(card("dead letters not replayed", attention.deadLettersOpen, link: "/dead-letters?status=new", alert: true))
            \(card("residual access (the API cannot remove it)", attention.residualFindings, link: "/employees#residual", alert: true))
            </div></section>
            """
    }

    private var kafka: HTML {
        let k = status.kafka
        guard k.error == nil else {
            return """
                <h2>Kafka consumer lag</h2><p class="notice error">Topic <code>\(k.topic)</code>, group <code>\(k.group)</code>: \
                cannot read the lag (\(k.error ?? "")). The rest of the page is read from PostgreSQL.</p>
                """
        }
        let rows = HTML.join(
            k.partitions.map { p in
                "<tr><td>\(p.topic)[\(p.partition)]</td><td class=\"num\">\(p.committed.map(String.init) ?? "–")</td><td class=\"num\">\(p.high)</td><td class=\"num\">\(p.lag)</td></tr>"
            })
        return """
            <h2>Kafka consumer lag: \(Format.count(Int(k.totalLag)))</h2>
            <details><summary>Topic <code>\(k.topic)</code>, group <code>\(k.group)</code>, \(k.partitions.count) partitions</summary>
            <table><thead><tr><th scope="col">Partition</th><th scope="col" class="num">Committed</th><th scope="col" class="num">End</th><th scope="col" class="num">Lag</th></tr></thead>
            <tbody>\(rows)</tbody></table></details>
            """
    }

    private var jobs: HTML {
        let states = JobStatus.allCases.map { state in
            "<tr><td><a href=\"/jobs?status=\(state.rawValue)\">\(Format.status(state.rawValue))</a></td><td class=\"num\">\(Format.count(status.jobsByStatus[state] ?? 0))</td></tr>"
                as HTML
        }
        let oldest: HTML =
            status.oldestQueued.map { q in
                "Oldest queued: <a href=\"/jobs/\(q.id)\">job \(q.id)</a>, waiting \(Format.duration(status.oldestQueuedAge ?? .zero))."
            } ?? "No job is queued."
        return """
            <h2>Jobs by state</h2>
            <table class="narrow"><thead><tr><th scope="col">State</th><th scope="col" class="num">Jobs</th></tr></thead><tbody>\(HTML.join(states))</tbody></table>
            <p>\(oldest) Last 24 h: \(Format.count(status.deadJobsLast24h)) dead jobs, \(Format.count(status.deadLettersLast24h)) dead letters.</p>
            """
    }

    private var timeToRevoke: HTML {
        let counts = revocations.histogram(bounds: Self.revokeBounds)
        let bars = zip(Self.revokeLabels, counts).map { (label: $0, count: $1) }
        guard let p50 = revocations.quantile(0.5), let p95 = revocations.quantile(0.95) else {
            return "<h2>Time to revoke, last 24 h</h2><p>No offboarding finished in the last 24 hours.</p>"
        }
        let summary =
            "Time to revoke of \(revocations.seconds.count) offboardings in the last 24 hours: "
            + zip(Self.revokeLabels, counts).map { "\($0) \($1)" }.joined(separator: ", ")
        return """
            <h2>Time to revoke, last 24 h</h2>
            <p>\(Format.count(revocations.seconds.count)) offboardings: p50 <strong>\(Format.seconds(p50))</strong>, \
            p95 <strong>\(Format.seconds(p95))</strong> (HR event time to the last revocation; objective 15 min).</p>
            \(Histogram(bars: bars, summary: summary).html)
            """
    }

    private var vendors: HTML {
        let rows = HTML.join(
            status.vendors.map { v in
                let first = v.limiters.first(where: \.isFirstWindow) ?? v.limiters.first
                let backlog = v.limiters.map(\.backlog).max()
                let paused = v.limiters.compactMap { $0.isPaused ? $0.pausedUntil : nil }.max()
                let breaker = v.breaker?.state.rawValue ?? "closed"
                let rate =
                    first.map {
                        "\(Format.rate($0.requestsPerSecond))/s of \(Format.rate($0.configuredRequestsPerSecond))/s configured"
                    } ?? "no call yet"
                return """
                    <tr><td>\(v.name)\(v.configured ? "" : " (not configured)")</td><td>\(rate)</td>\
                    <td>\(backlog.map { Format.duration($0) } ?? "–")</td><td>\(paused.map { Format.time($0, now: now) } ?? "–")</td>\
                    <td class="num">\(v.limiters.reduce(0) { $0 + $1.throttledTotal })</td>\
                    <td>\(Format.status(breaker))\(v.breaker.map { $0.consecutiveFailures > 0 ? " \($0.consecutiveFailures) failures" : "" } ?? "")</td></tr>
                    """ as HTML
            })
        return """
            <h2>Vendors: budget and breaker</h2>
            <table><thead><tr><th scope="col">Vendor</th><th scope="col">Rate in use</th><th scope="col">Budget reserved ahead</th>\
            <th scope="col">Paused until</th><th scope="col" class="num">429s</th><th scope="col">Breaker</th></tr></thead>
            <tbody>\(rows)</tbody></table>
            """
    }
}
