import CoreMetrics
import Prometheus
import Synchronization

extension RosterMetrics {
    /// Metrics recorded into `registry`, with Roster's histogram buckets.
    public init(registry: PrometheusCollectorRegistry) {
        self.init(factory: Self.prometheusFactory(registry: registry))
    }

    /// A Prometheus factory over `registry` with buckets that suit each histogram: vendor steps
    /// take milliseconds to minutes, limiter waits up to the revocation horizon, revocations
    /// seconds to a day.
    public static func prometheusFactory(registry: PrometheusCollectorRegistry) -> PrometheusMetricsFactory {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets = [
            Name.stepDuration: [
                .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
                .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500),
                .seconds(5), .seconds(10), .seconds(30), .seconds(60),
            ],
            Name.limiterWait: [
                .milliseconds(1), .milliseconds(10), .milliseconds(50), .milliseconds(100),
                .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(5),
                .seconds(10), .seconds(30), .seconds(60),
            ],
            Name.timeToRevoke: [
                .seconds(1), .seconds(5), .seconds(15), .seconds(30), .seconds(60),
                .seconds(120), .seconds(300), .seconds(600), .seconds(900), .seconds(1800),
                .seconds(3600), .seconds(4 * 3600), .seconds(24 * 3600),
            ],
        ]
        return factory
    }

    private static let processRegistry = Mutex<PrometheusCollectorRegistry?>(nil)

    /// The process's registry: the first call creates it and bootstraps the global
    /// `MetricsSystem` with it (so libraries' metrics land there too); later calls return it.
    public static func bootstrapProcessRegistry() -> PrometheusCollectorRegistry {
        processRegistry.withLock { existing in
            if let existing { return existing }
            let registry = PrometheusCollectorRegistry()
            MetricsSystem.bootstrap(prometheusFactory(registry: registry))
            existing = registry
            return registry
        }
    }
}
