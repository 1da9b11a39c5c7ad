import RosterCore
import RosterVendors

/// Everything the executor needs for one vendor instance: its workflow logic, the governed
/// transport (shared rate budget, circuit breaker) and its retry policy.
public struct VendorRuntime: Sendable {
    public var name: String
    public var connector: any VendorConnector
    public var transport: any VendorTransport
    public var retry: RetryPolicy

    public init(name: String, connector: any VendorConnector, transport: any VendorTransport, retry: RetryPolicy) {
        self.name = name
        self.connector = connector
        self.transport = transport
        self.retry = retry
    }
}
