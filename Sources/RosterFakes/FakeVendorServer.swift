import Foundation

/// What every fake vendor server shares: its HTTP server on 127.0.0.1, the traffic control in
/// front of it (call log, fault queue, rate limit), and the base path its vendor's API lives
/// under (`/v1`, `/latest`, or none). The lifecycle and traffic API below is written once here.
public protocol FakeVendorServer: Sendable {
    /// The listening server.
    var httpServer: FakeHTTPServer { get }
    /// The call log, faults and rate limit in front of the vendor logic.
    var trafficControl: FakeTrafficControl { get }
    /// The path prefix of the vendor's API (`/v1` for OpenAI); empty for none.
    var basePath: String { get }
}

extension FakeVendorServer {
    /// Starts listening on a free port of 127.0.0.1 and returns the base URL (path prefix included).
    @discardableResult
    public func start() async throws -> URL {
        let port = try await httpServer.start()
        return URL(string: "http://127.0.0.1:\(port)\(basePath)")!
    }

    /// The base URL while running.
    public var baseURL: URL? {
        httpServer.port.map { URL(string: "http://127.0.0.1:\($0)\(basePath)")! }
    }

    /// Stops the server and waits for it; state is kept.
    public func stop() async {
        await httpServer.stop()
    }

    /// Every request received so far, in arrival order (rejected ones included).
    public var calls: FakeCallLog { trafficControl.calls }

    /// Queues faults, each consumed by the next matching request (paths include the base path).
    public func injectFaults(_ faults: [FakeFault], matching matcher: FakeRequestMatcher = .any) {
        trafficControl.injectFaults(faults, matching: matcher)
    }

    /// Drops every queued fault not yet consumed.
    public func clearFaults() { trafficControl.clearFaults() }

    /// Faults not yet consumed.
    public var pendingFaults: [FakeFault] { trafficControl.pendingFaults }

    /// Sets or removes the rate limit (the vendor's own 429 shape beyond it).
    public func setRateLimit(_ limit: FakeRateLimit?) { trafficControl.setRateLimit(limit) }
}
