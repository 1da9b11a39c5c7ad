import Foundation
import Logging
import Synchronization

/// How log lines are written.
public enum LogFormat: String, Sendable, CaseIterable {
    case text
    case json
}

/// Process-wide logging set-up: text or one JSON object per line on standard error.
///
/// Roster never puts personal data or secrets into messages or metadata; this handler adds no
/// fields of its own beyond time, level, label and source.
public enum RosterLogging {
    private static let bootstrapped = Mutex(false)

    public static func bootstrap(format: LogFormat, level: Logger.Level) {
        let first = bootstrapped.withLock { done in
            defer { done = true }
            return !done
        }
        guard first else { return }
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler
            switch format {
            case .text: handler = StreamLogHandler.standardError(label: label)
            case .json: handler = JSONLogHandler(label: label)
            }
            handler.logLevel = level
            return handler
        }
    }
}
