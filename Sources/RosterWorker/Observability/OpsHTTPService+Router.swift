import Hummingbird
import NIOCore
import Prometheus

extension OpsHTTPService {
    /// The ops endpoints, without a server: `/healthz`, `/readyz` and `/metrics` (see
    /// ``OpsHTTPService``). Tested through HummingbirdTesting, no socket needed.
    ///
    /// - Parameters:
    ///   - registry: What `/metrics` serves.
    ///   - readiness: What `/readyz` checks; `nil` makes it follow `/healthz`.
    ///   - shutdown: Once set, `/readyz` answers 503 naming the shutdown.
    public static func makeRouter(
        registry: PrometheusCollectorRegistry, readiness: ReadinessCheck?, shutdown: ShutdownSignal
    ) -> Router<BasicRequestContext> {
        let router = Router()
        router.get("healthz") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: "ok\n")))
        }
        router.get("readyz") { _, _ in
            var report = await readiness?.run() ?? ReadinessCheck.Report(checks: [:])
            if shutdown.isShuttingDown { report.checks["shutdown"] = "the worker is shutting down" }
            return Response(
                status: report.isReady ? .ok : .serviceUnavailable,
                headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: report.json + "\n"))
            )
        }
        router.get("metrics") { _, _ in
            var buffer: [UInt8] = []
            buffer.reserveCapacity(16 * 1024)
            registry.emit(into: &buffer)
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: buffer))
            )
        }
        return router
    }
}
