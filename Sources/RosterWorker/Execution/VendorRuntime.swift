import RosterCore
import RosterVendors

/// Everything the executor needs for one vendor instance: its workflow logic, the governed
/// transport (shared rate budget, circuit breaker) and its retry policy.
public struct VendorRuntime: Sendable {
    /// The configured instance name (a key of `vendors:`).
    public var name: String
    /// Runs this vendor's steps (the workflow logic).
    public var connector: any VendorConnector
    /// The transport the connector calls through: governed by the shared rate limiter and the
    /// instance's circuit breaker in production.
    public var transport: any VendorTransport
    /// When and how often this vendor's failed steps are retried.
    public var retry: RetryPolicy

    /// Bundles an instance's connector, transport and retry policy under its configured `name`.
    public init(name: String, connector: any VendorConnector, transport: any VendorTransport, retry: RetryPolicy) {
        self.name = name
        self.connector = connector
        self.transport = transport
        self.retry = retry
    }
}
