import Foundation
import Logging
import Synchronization

/// How log lines are written.
public enum LogFormat: String, Sendable, CaseIterable {
    /// swift-log's `StreamLogHandler` lines.
    case text
    /// One JSON object per line (``JSONLogHandler``).
    case json
}

/// Process-wide logging set-up: text or one JSON object per line on standard error.
///
/// Roster never puts personal data or secrets into messages or metadata; this handler adds no
/// fields of its own beyond time, level and label (metadata named `time`, `level`, `label` or
/// `message` is dropped: those keys are the handler's).
public enum RosterLogging {
    private static let bootstrapped = Mutex(false)

    /// Bootstraps swift-log once per process with `format` handlers at `level`, on standard error,
    /// adding ``context`` to every line; later calls do nothing.
    public static func bootstrap(format: LogFormat, level: Logger.Level) {
        let first = bootstrapped.withLock { done in
            defer { done = true }
            return !done
        }
        guard first else { return }
        LoggingSystem.bootstrap(
            { label, provider in
                var handler: any LogHandler
                switch format {
                case .text: handler = StreamLogHandler.standardError(label: label, metadataProvider: provider)
                case .json: handler = JSONLogHandler(label: label, metadataProvider: provider)
                }
                handler.logLevel = level
                return handler
            }, metadataProvider: contextProvider)
    }

    /// What the current task is working on (`job.id`, `event.id`, `vendor`, `step`), added to every
    /// line it logs. Set with ``withContext(_:_:)``.
    ///
    /// A task-local read when a line is written, not logger metadata set per job: setting metadata
    /// on swift-log's `StreamLogHandler` re-renders all of it on every set, which at thousands of
    /// jobs a second was 6 % of the executor's CPU for lines that, at `warning`, are never written.
    @TaskLocal public static var context: Logger.Metadata = [:]

    static let contextProvider = Logger.MetadataProvider { context }

    /// Runs `body` with `metadata` added to ``context`` for every line it (and its child tasks) log.
    public static func withContext<Result: Sendable>(
        _ metadata: Logger.Metadata, _ body: () async throws -> Result
    ) async rethrows -> Result {
        try await $context.withValue(context.merging(metadata) { _, new in new }, operation: body)
    }
}
