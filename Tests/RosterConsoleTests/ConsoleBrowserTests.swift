import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import RosterCore
import RosterPostgres
import RosterTesting
import Testing

/// The real `roster console` process against a seeded database, driven by headless Chromium
/// (Debian's chromium and chromium-driver, over WebDriver). Screenshots of every page go to
/// `.build/console-screenshots/` for a person to look at.
@Suite(
    .serialized, .timeLimit(.minutes(10)), .requiresPostgres,
    .enabled(
        if: WebDriver.isInstalled || TestDatabase.isRequired,
        "chromium and chromium-driver are not installed (ops/lib/install-deps installs them)"))
struct ConsoleBrowserTests {
    static let screenshots = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(
        ".build/console-screenshots")

    /// Controls with no accessible name (no label, no aria-label, no text), on the page shown.
    static let unlabelledControls = """
        return Array.from(document.querySelectorAll('input, select, textarea, button')).filter(function (e) {
          if (e.type === 'hidden' || e.hidden) { return false; }
          if (e.labels && e.labels.length > 0) { return false; }
          if (e.getAttribute('aria-label')) { return false; }
          return (e.textContent || '').trim() === '';
        }).map(function (e) { return e.outerHTML; });
        """

    /// Starts `roster console` on a free loopback port; returns the process and its URL.
    static func startConsole(config: URL, extra: [String] = []) async throws -> (RosterProcess, String) {
        let process = try RosterProcess(
            ["console", "--listen", "127.0.0.1:0", "--operator", "browser-tester", "--kafka-timeout", "0.3"] + extra,
            environment: ["ROSTER_CONFIG": config.path], name: "console")
        for _ in 0..<600 {
            let log = (try? String(contentsOf: process.logURL, encoding: .utf8)) ?? ""
            if let range = log.range(of: "roster console at ") {
                return (process, String(log[range.upperBound...].prefix { !$0.isWhitespace }))
            }
            guard process.isRunning else { throw WebDriver.Failure(description: "roster console exited: \(log)") }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw WebDriver.Failure(description: "roster console did not start")
    }

    @Test func everyPageWorksInARealBrowser() async throws {
        try await TestDatabase.withFreshPool { pool, url in
            let jobs = try await ConsoleSeed.seed(pool)
            let config = try TestConfiguration.write(
                brokers: "127.0.0.1:1", databaseURL: url, topic: "hr.events", group: "roster")
            let (console, base) = try await Self.startConsole(config: config)
            defer { console.kill(SIGTERM) }
            let browser = try await WebDriver.start()
            do {
                try await Self.visitEveryPage(browser, base: base, jobs: jobs)
                try await Self.keyboard(browser, base: base)
                try await Self.filterAndBulkReplay(browser, base: base, jobs: jobs, pool: pool)
                try await Self.requestWithoutCSRF(browser, base: base, jobs: jobs, pool: pool)
            } catch {
                try? await browser.screenshot(to: Self.screenshots.appendingPathComponent("failure.png"))
                await browser.quit()
                throw error
            }
            await browser.quit()
        }
    }

    static func visitEveryPage(_ browser: WebDriver, base: String, jobs: ConsoleSeed.Jobs) async throws {
        let root = base.hasSuffix("/") ? String(base.dropLast()) : base
        let pages: [(String, String)] = [
            ("overview", "/"), ("jobs", "/jobs"), ("job", "/jobs/\(jobs.leaver)"),
            ("job-retrying", "/jobs/\(jobs.retrying)"),
            ("employees", "/employees"), ("employee", "/employees/E6"), ("dead-letters", "/dead-letters"),
            ("dead-letter", "/dead-letters/\(jobs.deadLetter)"),
            ("dead-letter-replay", "/dead-letters/\(jobs.deadLetter)/replay"),
            ("replay-dry-run", "/actions/preview?do=replay-filter&status=dead"),
            ("cancel-dry-run", "/actions/preview?do=cancel-selected&id=\(jobs.queued)"),
        ]
        _ = try await browser.browserLog()
        for (name, path) in pages {
            try await browser.go(root + path)
            let source = try await browser.source()
            #expect(source.contains("</main>"), "\(name) rendered")
            #expect(!source.contains("@"), "\(name): no email address in the HTML")
            let errors = try await browser.browserLog().filter { ($0["level"] as? String) == "SEVERE" }
            #expect(errors.isEmpty, "\(name): console errors \(errors)")
            let unlabelled = try await browser.execute(unlabelledControls) as? [String] ?? []
            #expect(unlabelled.isEmpty, "\(name): controls without a name \(unlabelled)")
            try await browser.screenshot(to: screenshots.appendingPathComponent("\(name).png"))
        }
    }

    /// The first Tab reaches "Skip to content"; Enter on it moves focus into the page.
    static func keyboard(_ browser: WebDriver, base: String) async throws {
        try await browser.go(base)
        try await browser.press("\u{E004}")
        #expect(try await browser.execute("return document.activeElement.className") as? String == "skip")
        try await browser.press("\u{E007}")
        #expect(try await browser.execute("return document.activeElement.id") as? String == "content")
    }

    static func filterAndBulkReplay(
        _ browser: WebDriver, base: String, jobs: ConsoleSeed.Jobs, pool: PostgresPool
    ) async throws {
        let root = base.hasSuffix("/") ? String(base.dropLast()) : base
        try await browser.go(root + "/jobs")
        #expect(try await browser.findAll("input[name=id]").count == 8)
        for option in try await browser.findAll("#f-status option") where try await browser.text(option) == "dead" {
            try await browser.click(option)
        }
        try await browser.click(try await browser.find("form.filters button[type=submit]"))
        try await browser.waitForSource(containing: "Jobs matching status dead")
        #expect(try await browser.currentURL().contains("status=dead"))
        #expect(try await browser.findAll("input[name=id]").count == 3, "the filter narrows the list")
        try await browser.screenshot(to: screenshots.appendingPathComponent("jobs-filtered.png"))

        let chosen = jobs.dead.filter { $0 != jobs.supersededDead }
        for id in chosen { try await browser.click(try await browser.find("input[name=id][value='\(id)']")) }
        try await browser.click(try await browser.find("button[value=replay-selected]"))
        var source = try await browser.waitForSource(containing: "would replay")
        #expect(
            source.contains("dry run") && source.contains("would replay") && source.contains("posthog ensure_access"))
        for id in chosen { #expect(try await ConsoleSeed.status(id, pool) == "dead", "the dry run changed nothing") }
        try await browser.screenshot(to: screenshots.appendingPathComponent("bulk-replay-dry-run.png"))

        try await browser.click(try await browser.find("form[action='/actions/replay'] button[type=submit]"))
        source = try await browser.waitForSource(containing: "A reason is required")
        #expect(source.contains("A reason is required"), "refused without a reason")
        for id in chosen { #expect(try await ConsoleSeed.status(id, pool) == "dead") }

        try await browser.type(try await browser.find("#reason"), "posthog outage over")
        try await browser.click(try await browser.find("form[action='/actions/replay'] button[type=submit]"))
        source = try await browser.waitForSource(containing: "2 jobs replayed")
        #expect(source.contains("2 jobs replayed"), "\(source.suffix(2000))")
        for id in chosen {
            #expect(try await ConsoleSeed.status(id, pool) == "queued", "the database shows the replay")
        }
        let audit = try await ConsoleSeed.operatorAudit(pool)
        #expect(
            audit.count == 2 && audit.allSatisfy { $0.1 == "operator:browser-tester" && $0.3 == "posthog outage over" })
        try await browser.screenshot(to: screenshots.appendingPathComponent("bulk-replay-done.png"))
    }

    /// The browser's own session cookie, but no CSRF token: refused, nothing changed.
    static func requestWithoutCSRF(
        _ browser: WebDriver, base: String, jobs: ConsoleSeed.Jobs, pool: PostgresPool
    ) async throws {
        let cookie = try #require(try await browser.cookies().first { $0["name"] as? String == "roster_console" })
        #expect(cookie["httpOnly"] as? Bool == true && cookie["sameSite"] as? String == "Strict")
        let root = base.hasSuffix("/") ? String(base.dropLast()) : base
        var request = HTTPClientRequest(url: root + "/actions/cancel")
        request.method = .POST
        request.headers.add(name: "Cookie", value: "roster_console=\(cookie["value"] as? String ?? "")")
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.body = .bytes(ByteBuffer(string: "id=\(jobs.queued)&reason=forged"))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        #expect(response.status.code == 403)
        #expect(try await ConsoleSeed.status(jobs.queued, pool) == "queued")
    }

    @Test func onANonLoopbackAddressWithoutATokenTheConsoleDoesNotStart() async throws {
        let config = try TestConfiguration.write(
            brokers: "127.0.0.1:1", databaseURL: "postgresql://nobody@127.0.0.1:1/none", topic: "t", group: "g")
        let process = try RosterProcess(
            ["console", "--listen", "0.0.0.0:0"],
            environment: ["ROSTER_CONFIG": config.path, "ROSTER_CONSOLE_TOKEN": ""], name: "console-open")
        let status = await process.waitForExit(timeout: .seconds(30))
        let log = (try? String(contentsOf: process.logURL, encoding: .utf8)) ?? ""
        #expect(status == 1, "\(log)")
        #expect(log.contains("not loopback") && log.contains("ROSTER_CONSOLE_TOKEN"), "\(log)")
        #expect(!log.contains("roster console at"))
    }
}
