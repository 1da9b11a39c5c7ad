import AsyncHTTPClient
import Foundation
import Logging
import RosterCore
import RosterPostgres
import RosterVendors

extension VendorRuntime {
    /// One governed runtime per configured vendor instance, with its connector: every call passes
    /// the vendor's shared circuit breaker and GCRA budget in Postgres. A worker's executor and
    /// reconciliation service share them, and with them each connector's directory.
    ///
    /// - Parameter httpClient: The process's one HTTP client; the caller owns and shuts it down.
    /// - Throws: ``VendorRegistry/Failure`` naming every missing key and invalid setting.
    public static func governed(
        configuration: RosterConfiguration, pool: PostgresPool, httpClient: HTTPClient, logger: Logger
    ) throws -> [String: VendorRuntime] {
        let registry = try VendorRegistry(
            configuration: configuration, environment: ProcessInfo.processInfo.environment, httpClient: httpClient)
        let instances = registry.names.compactMap { registry[$0] }
        let breakers = CircuitBreakerStore(
            pool: pool,
            policies: Dictionary(
                uniqueKeysWithValues: instances.map { instance in
                    (
                        instance.name,
                        CircuitBreakerStore.Policy(
                            failureThreshold: instance.breaker.failureThreshold,
                            openDuration: instance.breaker.openDuration)
                    )
                })
        )
        let limiter = RateLimiterStore(pool: pool)
        var vendors: [String: VendorRuntime] = [:]
        for instance in instances {
            let governed = GovernedTransport(
                base: instance.baseTransport,
                configuration: .init(
                    vendor: instance.name, limiterKey: instance.limiterKey, budget: instance.budget,
                    learning: instance.learning),
                limiter: limiter, breakers: breakers, logger: logger
            )
            vendors[instance.name] = VendorRuntime(
                name: instance.name, connector: instance.connector, transport: governed, retry: instance.retry)
        }
        return vendors
    }
}
