import Hummingbird
import HummingbirdTesting
import Prometheus
import RosterCore
import Testing

@testable import RosterWorker

/// The ops endpoints through ``OpsHTTPService/makeRouter(registry:readiness:shutdown:)``, without a
/// socket (HummingbirdTesting's router client). `/readyz` against a real Postgres and Kafka is in
/// ``OpsHTTPTests``.
struct OpsRouterTests {
    static func withRouter(
        registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
        shutdown: ShutdownSignal = ShutdownSignal(),
        _ body: @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        let application = Application(
            router: OpsHTTPService.makeRouter(registry: registry, readiness: nil, shutdown: shutdown))
        try await application.test(.router, body)
    }

    @Test func healthzAnswersOK() async throws {
        try await Self.withRouter { client in
            let response = try await client.execute(uri: "/healthz", method: .get)
            #expect(response.status == .ok)
            #expect(String(buffer: response.body) == "ok\n")
            #expect(response.headers[.contentType] == "text/plain; charset=utf-8")
        }
    }

    @Test func readyzIs503OnceShutdownHasBegunWhileHealthzStays200() async throws {
        let shutdown = ShutdownSignal()
        try await Self.withRouter(shutdown: shutdown) { client in
            let ready = try await client.execute(uri: "/readyz", method: .get)
            #expect(ready.status == .ok)
            let readyJSON = try JSONParser().parse(Array(String(buffer: ready.body).utf8))
            #expect(readyJSON["status"]?.stringValue == "ready")
            #expect(readyJSON["checks"]?.objectValue?.isEmpty == true)
            shutdown.set()
            let stopping = try await client.execute(uri: "/readyz", method: .get)
            #expect(stopping.status == .serviceUnavailable)
            let json = try JSONParser().parse(Array(String(buffer: stopping.body).utf8))
            #expect(json["status"]?.stringValue == "not_ready")
            #expect(json["checks"]?["shutdown"]?.stringValue == "the worker is shutting down")
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
        }
    }

    @Test func metricsServesTheRegistryInTheTextExposition() async throws {
        let registry = PrometheusCollectorRegistry()
        registry.makeCounter(name: "roster_router_test_total", labels: [("vendor", "openai")]).increment(by: Int64(3))
        try await Self.withRouter(registry: registry) { client in
            let response = try await client.execute(uri: "/metrics", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
            #expect(String(buffer: response.body).contains(#"roster_router_test_total{vendor="openai"} 3"#))
        }
    }

    @Test func anythingElseIsNotFound() async throws {
        try await Self.withRouter { client in
            let root = try await client.execute(uri: "/", method: .get)
            let postedHealth = try await client.execute(uri: "/healthz", method: .post)
            #expect(root.status == .notFound)
            #expect(postedHealth.status == .notFound)
        }
    }
}
