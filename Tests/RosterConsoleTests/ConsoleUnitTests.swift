import Foundation
import RosterCore
import RosterWorker
import Testing

@testable import RosterConsole

/// The console's pure parts: escaping and redaction, forms, the access policy, histograms.
@Suite struct ConsoleUnitTests {
    @Test func interpolatedTextIsEscapedAndScrubbedOfAddresses() {
        let name = "<script>alert(\"x\")</script> & 'y'"
        let html: HTML = "<td>\(name)</td>"
        #expect(html.text == "<td>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;</td>")
        #expect(
            Redaction.scrub("invite for ada.lovelace+x@example.co.uk failed.") == "invite for [address removed] failed."
        )
        #expect(Redaction.scrub("two: a@b.io, c_d@e-f.org") == "two: [address removed], [address removed]")
        #expect(
            Redaction.scrub("no address @ here, user@localhost, @handle")
                == "no address @ here, user@localhost, @handle")
        let nested: HTML = "<p>\(HTML(unsafeMarkup: "<b>kept</b>"))</p>"
        #expect(nested.text == "<p><b>kept</b></p>")
    }

    @Test func formsKeepRepeatedFieldsAndDecodePercentAndPlus() {
        let form = FormData(encoded: "id=1&id=2&reason=key+rotated%21&empty=&csrf=%2Fab")
        #expect(form.all("id") == ["1", "2"])
        #expect(form["reason"] == "key rotated!")
        #expect(form["empty"] == nil)
        #expect(form["csrf"] == "/ab")
        #expect(FormData(fields: [("a b", "c&d")]).encoded == "a%20b=c%26d")
    }

    @Test func theConsoleRefusesNonLoopbackWithoutAToken() {
        #expect(ConsoleAccessPolicy.refusal(for: .init(host: "127.0.0.1")) == nil)
        #expect(ConsoleAccessPolicy.refusal(for: .init(host: "::1")) == nil)
        #expect(ConsoleAccessPolicy.refusal(for: .init(host: "localhost")) == nil)
        let open = ConsoleAccessPolicy.refusal(for: .init(host: "0.0.0.0"))
        #expect(open?.contains("ROSTER_CONSOLE_TOKEN") == true)
        #expect(ConsoleAccessPolicy.refusal(for: .init(host: "10.1.2.3")) != nil)
        #expect(ConsoleAccessPolicy.refusal(for: .init(host: "127.0.0.1.example.com")) != nil)
        #expect(ConsoleAccessPolicy.refusal(for: .init(host: "0.0.0.0", token: "short")) != nil)
        #expect(
            ConsoleAccessPolicy.refusal(for: .init(host: "0.0.0.0", token: String(repeating: "t", count: 24))) == nil)
    }

    @Test func onlyLoopbackHostsAndSameOriginsPass() {
        #expect(ConsoleSecurityMiddleware.isLocalHost("127.0.0.1:9465"))
        #expect(ConsoleSecurityMiddleware.isLocalHost("localhost:80"))
        #expect(ConsoleSecurityMiddleware.isLocalHost("[::1]:9465"))
        #expect(!ConsoleSecurityMiddleware.isLocalHost("evil.example:9465"), "DNS rebinding")
        #expect(ConsoleSecurityMiddleware.sameOrigin("http://127.0.0.1:9465", host: "127.0.0.1:9465"))
        #expect(!ConsoleSecurityMiddleware.sameOrigin("http://evil.example", host: "127.0.0.1:9465"))
        #expect(!ConsoleSecurityMiddleware.sameOrigin("null", host: "127.0.0.1:9465"))
    }

    @Test func sessionsAreUnguessableAndRotateAtSignIn() {
        let store = SessionStore(idleTimeout: .seconds(60))
        let anonymous = store.create(signedIn: false, operatorName: nil)
        #expect(anonymous.id.count == 64 && anonymous.csrfToken.count == 64 && anonymous.id != anonymous.csrfToken)
        let signedIn = store.signIn(replacing: anonymous.id, operatorName: "ada")
        #expect(store.session(anonymous.id) == nil, "the old id is dead")
        #expect(store.session(signedIn.id)?.operatorName == "ada")
        #expect(ConsoleSession.constantTimeEquals("abc", "abc") && !ConsoleSession.constantTimeEquals("abc", "abd"))
        #expect(!ConsoleSession.constantTimeEquals("abc", "abcd"))
        let expired = SessionStore(idleTimeout: .zero)
        #expect(expired.session(expired.create(signedIn: true, operatorName: "x").id) == nil)
    }

    @Test func timeToRevokeQuantilesAndHistogram() {
        let times = RevocationTimes(
            seconds: [5, 20, 40, 50, 70, 200, 4000, 1, 2, 3], since: Timestamp(microsecondsSince1970: 0))
        #expect(times.quantile(0.5) == 20)
        #expect(times.quantile(0.95) == 4000)
        #expect(times.histogram(bounds: [10, 60, 3600]) == [4, 3, 2, 1])
        #expect(RevocationTimes(seconds: [], since: times.since).quantile(0.5) == nil)
        let svg = Histogram(bars: [("≤10s", 4), ("≤1m", 0)], summary: "two buckets").html.text
        #expect(
            svg.contains("<svg") && svg.contains("aria-label=\"two buckets\"") && svg.contains("<rect")
                && !svg.contains("style="))
    }

    @Test func jobCursorsRoundTrip() {
        let cursor = JobCursor(createdAt: Timestamp(microsecondsSince1970: 1_764_000_000_123_456), id: 42)
        #expect(JobCursor(text: cursor.text) == cursor)
        #expect(JobCursor(text: "nonsense") == nil)
    }
}
