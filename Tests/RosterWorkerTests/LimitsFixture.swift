import Foundation
import Logging
import RosterCore
import RosterPostgres
import RosterTesting
import RosterVendors
import Testing

@testable import RosterWorker

/// Helpers for the limits suites: a migrated database reached through several pools (each pool
/// stands for one worker process), and a fake OpenAI server behind real HTTP.
enum LimitsFixture {
    /// Runs `body` with `count` pools on one fresh, migrated database.
    static func withPools(_ count: Int, size: Int = 4, _ body: ([PostgresPool]) async throws -> Void) async throws {
        try await TestDatabase.withFreshPool(size: size) { pool, url in
            try await RosterSchema.migrate(pool, logger: TestDatabase.logger)
            var pools = [pool]
            for _ in 1..<max(count, 1) {
                pools.append(
                    PostgresPool(
                        configuration: try PostgresConfiguration(url: url), size: size, logger: TestDatabase.logger)
                )
            }
            defer {
                for other in pools.dropFirst() { other.close() }
            }
            try await body(pools)
        }
    }

    /// Runs `body` with a started fake OpenAI server and an HTTP transport pointed at it.
    static func withFakeOpenAI(_ body: (FakeOpenAIServer, HTTPVendorTransport) async throws -> Void) async throws {
        let fake = FakeOpenAIServer()
        let baseURL = try await fake.start()
        let transport = HTTPVendorTransport(
            configuration: .init(
                baseURL: baseURL.absoluteString, authentication: .bearer(fake.adminKey), requestTimeout: .seconds(10))
        )
        do {
            try await body(fake, transport)
        } catch {
            await fake.stop()
            throw error
        }
        await fake.stop()
    }

    /// A governed transport for vendor `openai` over `pool`.
    static func governed(
        _ base: any VendorTransport,
        pool: PostgresPool,
        key: String = "openai:fake:OPENAI_ADMIN_KEY",
        rate: GCRA = GCRA(requestsPerSecond: 50, burst: 10),
        provisioningHorizon: Duration = .seconds(2),
        breaker: CircuitBreakerStore.Policy = .init(failureThreshold: 3, openDuration: .milliseconds(500))
    ) -> GovernedTransport {
        GovernedTransport(
            base: base,
            configuration: .init(
                vendor: "openai", limiterKey: key, rate: rate, provisioningHorizon: provisioningHorizon),
            limiter: RateLimiterStore(pool: pool),
            breakers: CircuitBreakerStore(pool: pool, policies: ["openai": breaker]),
            logger: quietLogger
        )
    }

    /// Errors only: the transports' notices and warnings are expected here.
    static let quietLogger: Logger = {
        var logger = TestDatabase.logger
        logger.logLevel = .error
        return logger
    }()

    /// A cheap read every fake answers.
    static let listUsers = VendorRequest(.get, "/organization/users")

    /// The most timestamps in any half-open window of length `window`.
    static func peak(_ times: [Timestamp], inAnyWindowOf window: Duration) -> Int {
        let sorted = times.sorted()
        var peak = 0
        var start = 0
        for end in sorted.indices {
            while sorted[end].duration(since: sorted[start]) >= window { start += 1 }
            peak = max(peak, end - start + 1)
        }
        return peak
    }

    /// The error `body` threw, as a ``VendorError`` (recording an issue when it returned or threw
    /// something else).
    static func vendorError(_ body: () async throws -> VendorResponse) async -> VendorError? {
        do {
            let response = try await body()
            Issue.record("expected a VendorError, got HTTP \(response.status)")
            return nil
        } catch let error as VendorError {
            return error
        } catch {
            Issue.record("expected a VendorError, got \(error)")
            return nil
        }
    }
}
