import Foundation
import Hummingbird
import RosterConsole
import RosterPostgres
import RosterTesting
import Testing

/// The console's pages and actions through its router (no socket), against a seeded database.
@Suite(.timeLimit(.minutes(10)), .requiresPostgres)
struct ConsoleRouterTests {
    /// Every page the console has, for the seeded database.
    static func pages(_ jobs: ConsoleSeed.Jobs) -> [String] {
        [
            "/", "/jobs", "/jobs?status=dead", "/jobs/\(jobs.retrying)", "/jobs/\(jobs.leaver)", "/jobs?status=held",
            "/jobs/\(jobs.held)", "/jobs/\(jobs.dead[0])",
            "/employees", "/employees/E6", "/employees/E2", "/dead-letters", "/dead-letters/\(jobs.deadLetter)",
            "/actions/preview?do=replay-selected&id=\(jobs.dead[0])", "/actions/preview?do=cancel-filter&status=queued",
            "/dead-letters/\(jobs.deadLetter)/replay",
        ]
    }

    @Test func everyPageRendersWithSecurityHeadersAndNoPersonalData() async throws {
        try await ConsoleFixture.withConsole { client, _, jobs in
            for uri in Self.pages(jobs) {
                let page = try await client.get(uri)
                #expect(page.status == .ok, "\(uri): \(page.status) \(page.body.prefix(400))")
                #expect(page.body.hasPrefix("<!DOCTYPE html>"), "\(uri)")
                #expect(
                    !page.body.contains("@"),
                    "\(uri) shows an address: \(page.body.components(separatedBy: "@").first?.suffix(80) ?? "")")
                #expect(!page.body.contains("Person E"), "\(uri) shows a name")
                let csp = try #require(page.headers[.contentSecurityPolicy], "\(uri)")
                #expect(
                    csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'")
                        && !csp.contains("unsafe-inline"))
                #expect(page.headers[.xContentTypeOptions] == "nosniff")
                #expect(!page.body.contains("<script>"), "no inline script")
                #expect(!page.body.contains("style=\""), "no inline style")
            }
            let job = try await client.get("/jobs/\(jobs.retrying)")
            #expect(job.body.contains(Redaction.placeholder), "the quoted address is replaced")
            let employee = try await client.get("/employees/E6")
            #expect(employee.body.contains("verified absent at"))
            #expect(employee.body.contains("remove user u_6 by hand"), "residual access")
            #expect(employee.body.contains("leaver_has_access"), "findings")
            #expect(try await client.get("/employees").body.contains("user_id=u_6"), "open residual access is listed")
            let overview = try await client.get("/")
            #expect(overview.body.contains("<svg class=\"histogram\""))
            #expect(
                overview.body.contains("<div class=\"value\">1</div><div>offboardings held by the brake"),
                "the held job needs a person")
            #expect(
                try await client.get("/jobs/\(jobs.held)").body.contains("brake: 12 offboardings"), "the hold's reason")
            #expect(overview.body.contains("cannot read the lag"), "Kafka unreachable is said, the rest shown")
            let letter = try await client.get("/dead-letters/\(jobs.deadLetter)")
            #expect(
                letter.body.contains("traceparent") && letter.body.contains("unknown_vendor")
                    && letter.body.contains("offset 7"))
            #expect(try await client.get("/jobs/999999").status == .notFound)
            #expect(try await client.get("/jobs/abc").status == .badRequest)
            #expect(try await client.get("/static/console.css").status == .ok)
        }
    }

    @Test func theSessionCookieIsHttpOnlyAndStrict() async throws {
        try await ConsoleFixture.withConsole { client, _, _ in
            let page = try await client.get("/")
            let cookie = try #require(page.headers[.setCookie])
            #expect(
                cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict")
                    && cookie.hasPrefix("roster_console="), "\(cookie)")
            #expect(try await client.get("/jobs").headers[.setCookie] == nil, "the session is kept")
        }
    }

    @Test func filtersNarrowTheListAndPage() async throws {
        try await ConsoleFixture.withConsole { client, _, jobs in
            let all = try await client.get("/jobs")
            let dead = try await client.get("/jobs?status=dead")
            let rows = { (page: ConsoleClient.Page) in page.body.components(separatedBy: "name=\"id\" value=").count - 1
            }
            #expect(rows(all) == 8)
            #expect(rows(dead) == 3)
            #expect(rows(try await client.get("/jobs?status=dead&employee=E6")) == 1)
            #expect(rows(try await client.get("/jobs?vendor=posthog")) == 2)
            let first = try await client.get("/jobs?limit=3")
            #expect(rows(first) == 3 && first.body.contains("rel=\"next\""))
            let next = try #require(
                first.body.range(of: "/jobs?after=").map { String(first.body[$0.lowerBound...].prefix { $0 != "\"" }) })
            let second = try await client.get(next.replacingOccurrences(of: "&amp;", with: "&") + "&limit=3")
            #expect(rows(second) == 3 && !second.body.contains("value=\(jobs.queued)>"))
            let bad = try await client.get("/jobs?status=sleeping")
            #expect(bad.status == .badRequest && bad.body.contains("not one of"))
        }
    }

    @Test func aBulkReplayShowsItsDryRunRefusesWithoutAReasonThenReplays() async throws {
        try await ConsoleFixture.withConsole { client, pool, jobs in
            let preview = try await client.get("/actions/preview?do=replay-filter&status=dead")
            #expect(preview.status == .ok)
            #expect(preview.body.contains("dry run") && preview.body.contains("would replay"))
            #expect(preview.body.contains("re-grant a leaver"), "the refusal and its reason")
            #expect(preview.body.contains("posthog ensure_access"), "planned vendor calls")
            let csrf = try #require(preview.csrf)
            let ids = jobs.dead.filter { $0 != jobs.supersededDead }
            #expect(try await ConsoleSeed.status(ids[0], pool) == "dead", "a dry run changes nothing")

            let form = [("csrf", csrf)] + ids.map { ("id", String($0)) }
            let noReason = try await client.post("/actions/replay", form + [("reason", "  ")])
            #expect(noReason.status == .badRequest && noReason.body.contains("A reason is required"))
            #expect(try await ConsoleSeed.status(ids[0], pool) == "dead")

            let done = try await client.post("/actions/replay", form + [("reason", "posthog outage over")])
            #expect(done.status == .ok, "\(done.body)")
            #expect(done.body.contains("2 jobs replayed"))
            for id in ids { #expect(try await ConsoleSeed.status(id, pool) == "queued") }
            let audit = try await ConsoleSeed.operatorAudit(pool)
            #expect(
                audit.count == 2
                    && audit.allSatisfy {
                        $0.0 == "replay" && $0.1 == "operator:tester" && $0.3 == "posthog outage over"
                    })
        }
    }

    @Test func cancellingAnOffboardingNeedsConfirmation() async throws {
        try await ConsoleFixture.withConsole { client, pool, jobs in
            let preview = try await client.get(
                "/actions/preview?do=cancel-selected&id=\(jobs.queued)&id=\(jobs.retrying)")
            #expect(preview.body.contains("would cancel"))
            let csrf = try #require(preview.csrf)
            let done = try await client.post(
                "/actions/cancel", [("csrf", csrf), ("id", "\(jobs.queued)"), ("reason", "duplicate")])
            #expect(done.status == .ok && done.body.contains("1 job cancelled"))
            #expect(try await ConsoleSeed.status(jobs.queued, pool) == "cancelled")
            // An unfinished offboarding: the dry run refuses it until "yes" is ticked.
            try await pool.execute("UPDATE jobs SET status = 'queued', finished_at = NULL WHERE id = \(jobs.leaver)")
            let refused = try await client.post(
                "/actions/cancel", [("csrf", csrf), ("id", "\(jobs.leaver)"), ("reason", "test")])
            #expect(refused.status == .badRequest && refused.body.contains("Tick"))
            #expect(try await ConsoleSeed.status(jobs.leaver, pool) == "queued")
            let confirmed = try await client.post(
                "/actions/cancel", [("csrf", csrf), ("id", "\(jobs.leaver)"), ("reason", "test"), ("confirm", "yes")])
            #expect(confirmed.status == .ok)
            #expect(try await ConsoleSeed.status(jobs.leaver, pool) == "cancelled")
        }
    }

    @Test func aRequestWithoutTheCSRFTokenOrFromAnotherOriginIsRefused() async throws {
        try await ConsoleFixture.withConsole { client, pool, jobs in
            let csrf = try #require(try await client.get("/actions/preview?do=replay-selected&id=\(jobs.dead[0])").csrf)
            let missing = try await client.post("/actions/replay", [("id", "\(jobs.dead[0])"), ("reason", "x")])
            #expect(missing.status == .forbidden && missing.body.contains("CSRF"))
            let wrong = try await client.post(
                "/actions/replay", [("csrf", csrf + "0"), ("id", "\(jobs.dead[0])"), ("reason", "x")])
            #expect(wrong.status == .forbidden)
            let foreign = try await client.post(
                "/actions/replay", [("csrf", csrf), ("id", "\(jobs.dead[0])"), ("reason", "x")],
                headers: [.origin: "http://evil.example"])
            #expect(foreign.status == .forbidden)
            client.cookie = nil
            let otherSession = try await client.post(
                "/actions/replay", [("csrf", csrf), ("id", "\(jobs.dead[0])"), ("reason", "x")])
            #expect(otherSession.status == .forbidden, "a token belongs to its session")
            #expect(try await ConsoleSeed.status(jobs.dead[0], pool) == "dead")
            #expect(try await ConsoleSeed.operatorAudit(pool).isEmpty)
        }
    }

    @Test func readOnlyShowsNoActionsAndRefusesThem() async throws {
        try await ConsoleFixture.withConsole(ConsoleFixture.settings(readOnly: true)) { client, pool, jobs in
            let list = try await client.get("/jobs")
            #expect(list.status == .ok && !list.body.contains("Replay selected") && !list.body.contains("name=\"id\""))
            #expect(!(try await client.get("/jobs/\(jobs.dead[0])")).body.contains("Replay…"))
            #expect(try await client.get("/actions/preview?do=replay-selected&id=\(jobs.dead[0])").status == .forbidden)
            let csrf = try #require(try await client.get("/").csrf)
            let post = try await client.post(
                "/actions/replay", [("csrf", csrf), ("id", "\(jobs.dead[0])"), ("reason", "x")])
            #expect(post.status == .forbidden && post.body.contains("read-only"))
            #expect(try await ConsoleSeed.status(jobs.dead[0], pool) == "dead")
        }
    }

    @Test func withATokenEveryPageNeedsSignInAndActionsCarryTheName() async throws {
        let token = String(repeating: "k", count: 32)
        try await ConsoleFixture.withConsole(ConsoleFixture.settings(token: token)) { client, pool, jobs in
            let first = try await client.get("/")
            #expect(first.status == .seeOther && first.headers[.location] == "/login")
            let login = try await client.get("/login")
            let csrf = try #require(login.csrf)
            let wrong = try await client.post("/login", [("csrf", csrf), ("token", "nope"), ("operator", "ada")])
            #expect(wrong.status == .unauthorized)
            #expect(try await client.get("/jobs").status == .seeOther)
            let before = client.cookie
            let signedIn = try await client.post("/login", [("csrf", csrf), ("token", token), ("operator", "ada")])
            #expect(signedIn.status == .seeOther && client.cookie != before, "a new session id at sign-in")
            let preview = try await client.get("/actions/preview?do=replay-selected&id=\(jobs.dead[0])")
            #expect(preview.status == .ok && preview.body.contains("operator <strong>ada</strong>"))
            let done = try await client.post(
                "/actions/replay",
                [("csrf", try #require(preview.csrf)), ("id", "\(jobs.dead[0])"), ("reason", "retry")])
            #expect(done.status == .ok)
            #expect(try await ConsoleSeed.operatorAudit(pool).first?.1 == "operator:ada")
        }
    }

    @Test func aDeadLetterIsReplayedAsReceivedAfterItsDryRun() async throws {
        try await ConsoleFixture.withConsole { client, pool, jobs in
            let preview = try await client.get("/dead-letters/\(jobs.deadLetter)/replay")
            #expect(
                preview.status == .ok && preview.body.contains("rejected"),
                "salesforce is still not configured: \(preview.body)")
            #expect(!preview.body.contains("<form method=\"post\" action=\"/dead-letters"), "nothing to confirm")
            // Replayed anyway, it is rejected again by the worker's decoder, and that is recorded.
            let csrf = try #require(preview.csrf)
            let noReason = try await client.post("/dead-letters/\(jobs.deadLetter)/replay", [("csrf", csrf)])
            #expect(noReason.status == .badRequest)
            let replayed = try await client.post(
                "/dead-letters/\(jobs.deadLetter)/replay", [("csrf", csrf), ("reason", "vendor added")])
            #expect(replayed.status == .ok && replayed.body.contains("rejected again"), "\(replayed.body)")
            let audit = try await ConsoleSeed.operatorAudit(pool)
            #expect(
                audit.last?.0 == "dlq_replay" && audit.last?.1 == "operator:tester" && audit.last?.3 == "vendor added")
        }
    }
}
