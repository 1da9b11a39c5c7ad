import RosterCore
import RosterWorker

/// `/dead-letters/ID`: one dead letter's reason, Kafka coordinates, header keys (never their
/// values, never the payload) and what became of it; unless read-only, a replay as received
/// (its dry run first).
struct DeadLetterPage {
    var letter: DeadLetterRecord
    var readOnly: Bool
    var now: Timestamp

    var html: HTML {
        let d = letter
        let headers = d.headerKeys.isEmpty ? "none" : d.headerKeys.joined(separator: ", ")
        let replay: HTML =
            !readOnly && d.status == "new"
            ? "<p><a href=\"/dead-letters/\(d.id)/replay\">Replay as received…</a> <span class=\"muted\">(shows its dry run first; a corrected payload needs <code>roster dlq replay ID --payload FILE</code>)</span></p>"
            : .empty
        let job: HTML = d.replayJobID.map { "<a href=\"/jobs/\($0)\">job \($0)</a>" } ?? "–"
        return """
            <h1>Dead letter \(d.id)</h1>
            \(replay)
            <dl class="facts">
            <dt>Status</dt><dd>\(Format.status(d.status))\(d.resolution.map { ": \($0)" } ?? "")</dd>
            <dt>Code</dt><dd><code>\(d.code)</code></dd>
            <dt>Reason</dt><dd>\(d.reason)</dd>
            <dt>Kafka</dt><dd>\(d.topic)[\(d.partition)] offset \(d.offset)</dd>
            <dt>Recorded</dt><dd>\(Format.time(d.createdAt, now: now))</dd>
            <dt>Event id</dt><dd>\(d.eventID ?? "–")</dd>
            <dt>Size</dt><dd>\(Format.count(d.value.count)) bytes (not shown: it holds personal data)</dd>
            <dt>Header keys</dt><dd>\(headers)</dd>
            </dl>
            <h2>Replays</h2>
            <dl class="facts">
            <dt>Attempts</dt><dd>\(d.replayAttempts)</dd>
            <dt>Last</dt><dd>\(Format.time(d.replayedAt, now: now))</dd>
            <dt>Outcome</dt><dd>\(d.replayOutcome ?? "–")\(d.replayRejection.map { ": \($0)" } ?? "")</dd>
            <dt>Job</dt><dd>\(job)</dd>
            <dt>By</dt><dd>\(d.replayOperator ?? "–")\(d.replayReason.map { ", \"\($0)\"" } ?? "")</dd>
            </dl>
            """
    }
}
