import Foundation
import Hummingbird
import Logging
import NIOCore
import RosterWorker
import ServiceLifecycle

/// Serves a ``Console`` on its configured address until graceful shutdown.
public struct ConsoleService: Service {
    /// Why the console did not start.
    public struct Refused: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    let console: Console
    let logger: Logger
    /// Where the console listens, once it does (port 0 picks a free one).
    public let address: OpsHTTPService.BoundAddress

    /// - Throws: ``Refused`` when ``ConsoleAccessPolicy`` refuses the configuration (a non-loopback
    ///   address without a token, a token too short): checked before anything listens.
    public init(console: Console, logger: Logger, address: OpsHTTPService.BoundAddress = .init()) throws {
        if let refusal = ConsoleAccessPolicy.refusal(for: console.configuration) { throw Refused(description: refusal) }
        self.console = console
        self.logger = logger
        self.address = address
    }

    /// The URL people open (`http://127.0.0.1:PORT/`), once listening.
    public func url() async -> String? {
        guard let port = await address.port() else { return nil }
        let host = console.configuration.host
        let shown = host == "0.0.0.0" || host == "::" ? "127.0.0.1" : host.contains(":") ? "[\(host)]" : host
        return "http://\(shown):\(port)/"
    }

    public func run() async throws {
        let configuration = console.configuration
        var quiet = logger
        quiet.logLevel = max(logger.logLevel, .notice)
        let (address, logger) = (self.address, self.logger)
        let application = Application(
            router: console.router(),
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                address.set(host: configuration.host, port: port)
                logger.info(
                    "console listening",
                    metadata: ["address": "\(configuration.host):\(port)", "read_only": "\(configuration.readOnly)"])
            },
            logger: quiet
        )
        defer { address.finish() }
        try await application.run()
    }
}
