import ArgumentParser
import Foundation
import Logging
import RosterCore
import RosterWorker

/// Options every subcommand shares.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "Configuration file (YAML). Default: $ROSTER_CONFIG, else built-in defaults.")
    var config: String?

    @Option(
        name: .long,
        help:
            "Log level: trace, debug, info, notice, warning, error, critical (default: info for the worker, warning otherwise)."
    )
    var logLevel: Logger.Level?

    @Option(name: .long, help: "Log format: text or json.")
    var logFormat: LogFormat = .text

    func loadConfiguration() throws -> RosterConfiguration {
        do {
            return try ConfigurationLoader().load(path: config)
        } catch let failure as ConfigurationLoader.Failure {
            throw CleanExit.message(failure.description, code: .failure)
        }
    }

    func makeLogger(label: String, defaultLevel: Logger.Level = .warning) -> Logger {
        let level = logLevel ?? defaultLevel
        RosterLogging.bootstrap(format: logFormat, level: level)
        var logger = Logger(label: label)
        logger.logLevel = level
        return logger
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
extension LogFormat: ExpressibleByArgument {}

extension CleanExit {
    /// A message on standard error and an exit code, without ArgumentParser's usage text.
    static func message(_ text: String, code: ExitCode) -> any Error {
        FileHandle.standardError.write(Data("roster: \(text)\n".utf8))
        return code
    }
}
