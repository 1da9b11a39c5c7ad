import Foundation
import Hummingbird
import Logging
import NIOCore
import Prometheus
import ServiceLifecycle
import Synchronization

/// The worker's ops HTTP server (configuration `http.listen`, default `127.0.0.1:9464`; port 0
/// picks a free one, logged as `ops HTTP listening` with its `address`):
///
/// - `GET /healthz`: 200 `ok` while the process serves HTTP (liveness).
/// - `GET /readyz`: 200 when ``ReadinessCheck`` passes, else 503; both with a JSON body naming
///   each check's outcome. 503 also once graceful shutdown has begun.
/// - `GET /metrics`: the Prometheus text exposition of the worker's registry (``RosterMetrics``).
///
/// It serves nothing that carries personal data: metrics labels are vendors and fixed words.
public struct OpsHTTPService: Service {
    /// Where the server listens, once it does.
    public final class BoundAddress: Sendable {
        private let state = Mutex<(host: String, port: Int)?>(nil)
        private let (stream, continuation) = AsyncStream.makeStream(of: Int.self)

        /// Not listening yet.
        public init() {}

        /// `host:port`, or `nil` before the server listens.
        public var current: String? { state.withLock { $0.map { "\($0.host):\($0.port)" } } }

        /// The port, waiting until the server listens (`nil` if it stopped first).
        public func port() async -> Int? {
            if let port = state.withLock({ $0?.port }) { return port }
            for await port in stream { return port }
            return state.withLock { $0?.port }
        }

        /// Records where a server listens (its `onServerRunning`), waking those waiting in ``port()``.
        public func set(host: String, port: Int) {
            state.withLock { $0 = (host, port) }
            continuation.yield(port)
            continuation.finish()
        }

        /// The server stopped (or never listened): ``port()`` stops waiting.
        public func finish() { continuation.finish() }
    }

    let host: String
    let port: Int
    let registry: PrometheusCollectorRegistry
    let readiness: ReadinessCheck?
    let logger: Logger
    /// Where the server listens, once it does.
    public let address: BoundAddress
    /// Set when the worker begins to shut down (``ShutdownSignal/Watcher``).
    let shutdown: ShutdownSignal

    /// - Parameters:
    ///   - listen: Where to listen; port 0 picks a free one.
    ///   - registry: What `/metrics` serves.
    ///   - readiness: What `/readyz` checks; `nil` makes it follow `/healthz`.
    ///   - logger: For start and stop only.
    ///   - address: Where the server listens, once it does.
    ///   - shutdown: Makes `/readyz` answer 503 once set (this service's own graceful shutdown does too).
    public init(
        listen: ListenAddress,
        registry: PrometheusCollectorRegistry,
        readiness: ReadinessCheck?,
        logger: Logger,
        address: BoundAddress = BoundAddress(),
        shutdown: ShutdownSignal = ShutdownSignal()
    ) {
        self.host = listen.host
        self.port = listen.port
        self.registry = registry
        self.readiness = readiness
        self.logger = logger
        self.address = address
        self.shutdown = shutdown
    }

    /// The same, with `listen` as written in `http.listen` (`host:port`).
    ///
    /// - Throws: ``ListenAddress/Invalid`` for a bad `listen`.
    public init(
        listen: String,
        registry: PrometheusCollectorRegistry,
        readiness: ReadinessCheck?,
        logger: Logger,
        address: BoundAddress = BoundAddress(),
        shutdown: ShutdownSignal = ShutdownSignal()
    ) throws {
        self.init(
            listen: try ListenAddress(listen), registry: registry, readiness: readiness, logger: logger,
            address: address,
            shutdown: shutdown
        )
    }

    /// Serves ``makeRouter(registry:readiness:shutdown:)`` until graceful shutdown, which also sets
    /// the shutdown signal (so `/readyz` answers 503 while the server drains).
    public func run() async throws {
        let router = Self.makeRouter(registry: registry, readiness: readiness, shutdown: shutdown)
        let shutdown = self.shutdown
        var quiet = logger
        quiet.logLevel = max(logger.logLevel, .notice)
        let (host, logger, address) = (self.host, self.logger, self.address)
        let application = Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                address.set(host: host, port: port)
                logger.info("ops HTTP listening", metadata: ["address": "\(host):\(port)"])
            },
            logger: quiet
        )
        defer { address.finish() }
        try await withGracefulShutdownHandler {
            try await application.run()
        } onGracefulShutdown: {
            shutdown.set()
        }
    }
}
