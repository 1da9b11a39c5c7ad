import ArgumentParser
import Foundation
import RosterCore
import RosterFakes

/// `roster dev fakes`: Roster's fake vendor servers as a standalone process, for benchmarks and
/// for exploring Roster without vendor accounts. Serves on 127.0.0.1 until SIGTERM/SIGINT.
///
/// The fakes keep their state in memory only; they are the same servers the tests use
/// (`RosterFakes`), with the vendors' shapes, errors and (optionally) rate limits.
struct DevFakesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fakes",
        abstract: "Run fake vendor admin APIs on 127.0.0.1 until interrupted (for benchmarks and local exploring)."
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "Admin key the fake OpenAI server accepts as Bearer.")
    var openaiKey = "sk-admin-fake-roster"

    @Option(help: "Make the fake OpenAI server admit at most RPS requests per one-second window (429 beyond).")
    var openaiRate: Int?

    @Option(
        name: .customLong("openai-project"), help: "A project to create in the fake OpenAI organisation (repeatable).")
    var openaiProjects: [String] = []

    @Option(help: "Write `openai=<base URL>` lines here once every fake is listening (written atomically).")
    var urlsFile: String?

    @Option(help: "On SIGTERM/SIGINT, write a JSON summary of the calls each fake received here.")
    var callsFile: String?

    @Option(
        help:
            "Also start fake PostHog, Confident AI and Relevance AI servers and write FAKE_<VENDOR>_URL/_KEY (and ids) lines for all four here, in shell syntax."
    )
    var envFile: String?

    @Option(
        help: ArgumentHelp(
            "With --env-file: every SECONDS, every pending Confident AI invitation is accepted (new people accepting, as in `roster dev`).",
            valueName: "seconds"))
    var confidentAcceptEvery: Double?

    func validate() throws {
        if let openaiRate, openaiRate < 1 { throw ValidationError("--openai-rate must be at least 1") }
        if let confidentAcceptEvery {
            guard envFile != nil else {
                throw ValidationError(
                    "--confident-accept-every needs --env-file (the fake Confident AI runs only then)")
            }
            guard confidentAcceptEvery > 0 else {
                throw ValidationError("--confident-accept-every must be more than 0")
            }
        }
    }

    func run() async throws {
        let openai = FakeOpenAIServer(adminKey: openaiKey)
        for project in openaiProjects { _ = openai.addProject(name: project) }
        if let openaiRate { openai.setRateLimit(FakeRateLimit(requests: openaiRate, advertising: .openAI)) }
        let openaiURL = try await openai.start()

        var others: [any FakeVendorServer] = []
        var logs: [(String, any FakeVendorServer)] = [("openai", openai)]
        var accepting: Task<Void, Never>?
        if let envFile {
            let posthog = FakePostHogServer()
            let confident = FakeConfidentAIServer()
            let relevance = FakeRelevanceAIServer()
            let env =
                [
                    "FAKE_OPENAI_URL=\(openaiURL.absoluteString)", "FAKE_OPENAI_KEY=\(openaiKey)",
                    "FAKE_POSTHOG_URL=\(try await posthog.start().absoluteString)",
                    "FAKE_POSTHOG_KEY=\(posthog.personalAPIKey)",
                    "FAKE_POSTHOG_ORG=\(posthog.organizationID)",
                    "FAKE_CONFIDENT_URL=\(try await confident.start().absoluteString)",
                    "FAKE_CONFIDENT_KEY=\(confident.apiKey)",
                    "FAKE_RELEVANCE_URL=\(try await relevance.start().absoluteString)",
                    "FAKE_RELEVANCE_KEY=\(relevance.apiKey)",
                    "FAKE_RELEVANCE_ORG=\(relevance.organizationID)",
                    "FAKE_RELEVANCE_PROJECT=\(relevance.snapshot.defaultProjectID)",
                ].map { line -> String in
                    let parts = line.split(separator: "=", maxSplits: 1)
                    return "\(parts[0])='\(parts[1])'"
                }.joined(separator: "\n") + "\n"
            let temporary = envFile + ".tmp"
            try env.write(toFile: temporary, atomically: false, encoding: .utf8)
            _ = rename(temporary, envFile)
            others = [posthog, confident, relevance]
            logs += [("posthog", posthog), ("confident", confident), ("relevance", relevance)]
            if let confidentAcceptEvery {
                let period = Duration.milliseconds(Int64((confidentAcceptEvery * 1000).rounded()))
                accepting = Task {
                    while !Task.isCancelled {
                        try? confident.acceptAllInvitations()
                        try? await Task.sleep(for: period)
                    }
                }
            }
        }
        defer { withExtendedLifetime(others) {} }

        let lines = "openai=\(openaiURL.absoluteString)\n"
        if let urlsFile {
            let temporary = urlsFile + ".tmp"
            try lines.write(toFile: temporary, atomically: false, encoding: .utf8)
            _ = rename(temporary, urlsFile)
        }
        FileHandle.standardOutput.write(Data(lines.utf8))

        await Signals.waitForTermination()
        accepting?.cancel()
        if let callsFile {
            // Every fake that ran (all four with --env-file), keyed by vendor kind.
            let summary = JSONValue.object(
                Dictionary(uniqueKeysWithValues: logs.map { ($0.0, Self.summary(of: $0.1.calls)) }))
            let temporary = callsFile + ".tmp"
            try summary.serialized.write(toFile: temporary, atomically: false, encoding: .utf8)
            _ = rename(temporary, callsFile)
        }
        await openai.stop()
        for server in others { await server.stop() }
    }

    /// The call log as figures: totals, 2xx answers, 429s, first and last arrival (seconds since
    /// the fake started) and, per `METHOD path`, the same.
    static func summary(of log: FakeCallLog) -> JSONValue {
        func seconds(_ duration: Duration) -> String {
            return String(duration.inSeconds)
        }
        func isSuccess(_ call: FakeCall) -> Bool { (200..<300).contains(call.status ?? 0) }
        var paths: [String: (count: Int, ok: Int, throttled: Int, first: Duration, last: Duration)] = [:]
        for call in log {
            let key = "\(call.method) \(call.path)"
            let ok = isSuccess(call) ? 1 : 0
            let throttled = call.status == 429 ? 1 : 0
            if let current = paths[key] {
                paths[key] = (
                    current.count + 1, current.ok + ok, current.throttled + throttled, current.first, call.offset
                )
            } else {
                paths[key] = (1, ok, throttled, call.offset, call.offset)
            }
        }
        var perPath: [String: JSONValue] = [:]
        for (key, value) in paths {
            perPath[key] = .object([
                "count": .number(String(value.count)),
                "status_2xx": .number(String(value.ok)),
                "status_429": .number(String(value.throttled)),
                "first_s": .number(seconds(value.first)),
                "last_s": .number(seconds(value.last)),
            ])
        }
        return .object([
            "count": .number(String(log.count)),
            "status_2xx": .number(String(log.count(where: isSuccess))),
            "status_429": .number(String(log.calls(status: 429).count)),
            "first_s": log.first.map { .number(seconds($0.offset)) } ?? .null,
            "last_s": log.last.map { .number(seconds($0.offset)) } ?? .null,
            "paths": .object(perPath),
        ])
    }
}
