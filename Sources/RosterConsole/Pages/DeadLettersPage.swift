import RosterCore
import RosterWorker

/// `/dead-letters`: messages that could not become jobs (``DeadLetterReader``), newest first,
/// filtered by status and code. Reasons, coordinates and sizes only: never the payload.
struct DeadLettersPage {
    var query: FormData
    var letters: [DeadLetterRecord]
    var now: Timestamp

    var html: HTML {
        let statuses = ["new", "replayed", "discarded"]
        let chosen = query["status"]
        let options = HTML.join(
            statuses.map { s in s == chosen ? "<option selected>\(s)</option>" : "<option>\(s)</option>" as HTML })
        let rows = HTML.join(
            letters.map { d in
                """
                <tr><td><a href="/dead-letters/\(d.id)">\(d.id)</a></td><td>\(Format.time(d.createdAt, now: now))</td>\
                <td>\(d.topic)[\(d.partition)] offset \(d.offset)</td><td class="num">\(Format.count(d.value.count))</td><td><code>\(d.code)</code></td>\
                <td>\(JobsPage.shorten(d.reason))</td><td>\(d.eventID ?? "–")</td><td>\(Format.status(d.status))</td></tr>
                """ as HTML
            })
        let table: HTML =
            letters.isEmpty
            ? "<p>No dead letter matches.</p>"
            : """
            <table><thead><tr><th scope="col">Id</th><th scope="col">Recorded</th><th scope="col">Kafka coordinates</th>\
            <th scope="col" class="num">Bytes</th><th scope="col">Code</th><th scope="col">Reason</th><th scope="col">Event id</th>\
            <th scope="col">Status</th></tr></thead><tbody>\(rows)</tbody></table>
            """
        return """
            <h1>Dead letters</h1>
            <form class="filters" method="get" action="/dead-letters" role="search" aria-label="Filter dead letters">
            <label for="d-status">Status<select id="d-status" name="status"><option value="">any</option>\(options)</select></label>
            <label for="d-code">Code<input id="d-code" name="code" value="\(query["code"] ?? "")" placeholder="unknown_vendor" size="16"></label>
            <label for="d-since">Since<input id="d-since" name="since" value="\(query["since"] ?? "")" placeholder="1d" size="10"></label>
            <button type="submit" class="primary">Filter</button> <a href="/dead-letters">Clear</a>
            </form>
            <p class="muted">Payloads hold personal data and are never shown; <code>roster dlq show ID --save-payload FILE</code> writes one to a private file.</p>
            \(table)
            """
    }
}
