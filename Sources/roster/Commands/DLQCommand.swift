import ArgumentParser
import Foundation
import RosterCore
import RosterWorker

struct DLQCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dlq",
        abstract: "Dead letters: messages that could not become jobs; list, show, and re-ingest them.",
        subcommands: [DLQListCommand.self, DLQShowCommand.self, DLQReplayCommand.self]
    )
}

struct DLQListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Dead letters, newest first.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions

    @Option(help: "new, replayed or discarded; repeat or comma-separate.")
    var status: [String] = []

    @Option(help: "oversize, invalid_json, invalid_event, unknown_vendor, unstorable; repeat or comma-separate.")
    var code: [String] = []

    @Option(help: "Recorded since: a duration back from now (30m, 2h, 7d) or an RFC 3339 time.")
    var since: String?

    @Option(help: "Recorded before: a duration back from now or an RFC 3339 time.")
    var until: String?

    @Option(help: "At most this many.")
    var limit = 50

    func run() async throws {
        let now = Timestamp(secondsSince1970: Date().timeIntervalSince1970)
        let filter: DeadLetterReader.Filter
        do {
            filter = DeadLetterReader.Filter(
                statuses: status.flatMap { $0.split(separator: ",").map(String.init) },
                codes: code.flatMap { $0.split(separator: ",").map(String.init) },
                since: try since.map { try TimeBound.parse($0, now: now) },
                until: try until.map { try TimeBound.parse($0, now: now) },
                limit: limit
            )
        } catch let error as OperationsError {
            throw ValidationError(error.message)
        }
        try await global.withOperations { pool, _, _ in
            let letters = try await DeadLetterReader(pool: pool).list(filter)
            output.emit(
                table: OperationRendering.deadLetters(letters, colour: output.colour),
                json: .object(["dead_letters": .array(letters.map(\.json))])
            )
        }
    }
}

struct DLQShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "One dead letter: where it came from, why, and what became of it. The payload is never printed."
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: "The dead letter id.")
    var id: Int64

    @Option(
        help: "Write the message value as received to FILE (mode 0600), e.g. to correct it for dlq replay --payload.")
    var savePayload: String?

    func run() async throws {
        try await global.withOperations { pool, _, _ in
            let letter = try await DeadLetterReader(pool: pool).deadLetter(id)
            if let savePayload {
                guard
                    FileManager.default.createFile(
                        atPath: savePayload, contents: letter.value, attributes: [.posixPermissions: 0o600])
                else {
                    throw OperationsError(.refused, "cannot write \(savePayload)")
                }
            }
            output.emit(table: OperationRendering.deadLetter(letter), json: letter.json)
        }
    }
}

struct DLQReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract:
            "Re-ingest a dead letter through the worker's decoder and ingest path, as received or with a corrected payload.",
        discussion: """
            Use it after a configuration fix (e.g. the vendor it names was added), or with --payload FILE holding the corrected \
            event. The dead letter records the event and job it became, or the new rejection. Audited with the operator and reason.
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var who: OperatorOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: "Dead letter ids.")
    var ids: [Int64]

    @Option(
        help:
            "A corrected message value (one event as JSON) to ingest instead of the one received; only with a single id."
    )
    var payload: String?

    @Flag(help: "Decode and plan only; change nothing.")
    var dryRun = false

    func validate() throws {
        if payload != nil, ids.count != 1 {
            throw ValidationError("--payload corrects one dead letter: give exactly one id")
        }
    }

    func run() async throws {
        let action = try who.action()
        var corrected: Data?
        if let payload {
            do {
                corrected = try Data(contentsOf: URL(fileURLWithPath: payload))
            } catch {
                throw CleanExit.message("cannot read \(payload): \(error.localizedDescription)", code: .failure)
            }
        }
        let outcomes = try await global.withOperations { pool, configuration, _ in
            let replayer = DeadLetterReplayer(pool: pool, configuration: configuration)
            let reader = DeadLetterReader(pool: pool)
            for id in ids { _ = try await reader.deadLetter(id) }
            var outcomes: [DeadLetterReplayer.Outcome] = []
            for id in ids {
                outcomes.append(try await replayer.replay(id, payload: corrected, dryRun: dryRun, by: action))
            }
            output.emit(
                table: outcomes.map(OperationRendering.deadLetterReplay).joined(),
                json: .object(["dry_run": .bool(dryRun), "dead_letters": .array(outcomes.map(\.json))])
            )
            return outcomes
        }
        if outcomes.contains(where: \.isFailure) { throw ExitCode.failure }
    }
}
