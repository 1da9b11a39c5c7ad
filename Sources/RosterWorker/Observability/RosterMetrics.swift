import CoreMetrics
import Foundation
import RosterCore

/// Every metric the worker exports, in one place: names, label sets and how they are recorded.
///
/// Labels are only ever `vendor`, `status`, `type`, `state`, `source`, `partition`, `situation`,
/// `residual` and `result`, whose values come
/// from configuration and fixed vocabularies: never an email, a name, an employee id, a job id or
/// a key (DESIGN.md rule 4). The names are the contract of `ops/grafana/roster.json` and
/// `ops/prometheus/alerts.yaml`; a test scrapes `/metrics` and checks every name they use.
///
/// The instance in use is a task-local, ``current``: the worker binds its own (over its
/// Prometheus registry) around its service group, tests bind one over a private registry, and
/// code outside both reports to the global `MetricsSystem` (a no-op unless bootstrapped).
public struct RosterMetrics: Sendable {
    /// Metric names (Prometheus families; histograms add `_bucket`, `_sum` and `_count`).
    public enum Name {
        /// Counter: events recorded as new by ingest.
        public static let eventsIngested = "roster_events_ingested_total"
        /// Counter: events whose id was already recorded (a Kafka redelivery), absorbed without effect.
        public static let eventsRedelivered = "roster_events_redelivered_total"
        /// Counter: messages ingest dead-lettered (invalid, or refused by Postgres).
        public static let eventsDeadLettered = "roster_events_dead_lettered_total"
        /// Counter: job runs ended, by `type` and `status` (`succeeded`, `retrying`, `dead`, `released`).
        public static let jobRuns = "roster_job_runs_total"
        /// Histogram, seconds: step attempts by `vendor` and `status` (`succeeded`, `retry`, `failed`,
        /// `deferred`, `cancelled`).
        public static let stepDuration = "roster_step_duration_seconds"
        /// Counter: vendor answers by `vendor` and `status` (the HTTP status, or `timeout`, `transport`).
        public static let vendorResponses = "roster_vendor_responses_total"
        /// Counter: 429 answers by `vendor`.
        public static let vendorThrottled = "roster_vendor_throttled_total"
        /// Histogram, seconds: how long each admitted call waited for its rate-limit slot, by `vendor`.
        public static let limiterWait = "roster_rate_limiter_wait_seconds"
        /// Counter: provisioning calls sent back to the queue because the shared budget was taken, by `vendor`.
        public static let limiterRefused = "roster_rate_limiter_refused_total"
        /// Counter: calls refused by the vendor's open circuit breaker, by `vendor`.
        public static let breakerRejected = "roster_circuit_breaker_rejected_total"
        /// Histogram, seconds: from an offboarding event's `time` to its job's success.
        public static let timeToRevoke = "roster_time_to_revoke_seconds"
        /// Gauge: jobs by `state` (``JobStatus``) and `type`, shared across workers.
        public static let jobs = "roster_jobs"
        /// Gauge, seconds: how long the longest-waiting runnable job (queued or retrying) has been due
        /// (since its `run_after`); 0 when none is.
        public static let oldestQueuedJobAge = "roster_oldest_queued_job_age_seconds"
        /// Gauge: dead letters by `status` (`new`, `replayed`, `discarded`).
        public static let deadLetters = "roster_dead_letters"
        /// Gauge: 1 for each vendor's current circuit breaker `state` (`closed`, `half_open`, `open`), 0
        /// for the others.
        public static let breakerState = "roster_circuit_breaker_state"
        /// The shared budget's first window, `source="configured"` (as configured) and
        /// `source="learned"` (in use: moved towards what the vendor advertises).
        public static let rateBudget = "roster_vendor_rate_budget_requests_per_second"
        /// Gauge: messages behind the consumer group's committed offset, by `partition`.
        public static let consumerLag = "roster_consumer_lag"
        /// Counter: failed ``MetricsRefresher`` refreshes (Postgres or the lag query).
        public static let refreshFailures = "roster_metrics_refresh_failures_total"
        /// Counter: job runs interrupted by a Postgres error, to be resumed.
        public static let storageInterruptions = "roster_job_storage_interruptions_total"
        /// Counter: jobs released for another worker because their plan names a vendor this one lacks.
        public static let vendorNotConfigured = "roster_jobs_released_vendor_not_configured_total"
        /// Counter: events whose Kafka key is missing or is not their employee id.
        public static let eventsWithoutEmployeeKey = "roster_events_without_employee_key_total"
        /// Counter: dead jobs by the `vendor` whose chain of steps failed.
        public static let vendorChainFailures = "roster_job_vendor_failures_total"
        /// Recording transactions (an ingest batch, a dead-letter replay) in which the
        /// mass-offboarding brake held at least one offboarding.
        public static let brakeTrips = "roster_offboarding_brake_trips_total"
        /// Offboardings created `held` by the brake.
        public static let offboardingsHeld = "roster_offboardings_held_total"
        /// Jobs held now, waiting for `roster holds release|cancel` (shared).
        public static let heldJobs = "roster_held_jobs"
        /// Open reconciliation findings by `vendor`, `situation` and `residual` (access the
        /// vendor's API cannot remove). No employee ids: they are personal enough to stay out.
        public static let reconcileFindings = "roster_reconcile_findings"
        /// Offboarding verifications by `vendor` and `result` (`pending`, `absent`,
        /// `access_found`, `residual`, `rehired`).
        public static let verifications = "roster_offboarding_verifications"
    }

    /// The metrics of the current task (see the type's discussion).
    @TaskLocal public static var current = RosterMetrics(factory: nil)

    private let explicitFactory: (any MetricsFactory)?

    /// Metrics recorded through `factory`, or through the global `MetricsSystem` when `nil`.
    public init(factory: (any MetricsFactory)?) {
        self.explicitFactory = factory
    }

    var factory: any MetricsFactory { explicitFactory ?? MetricsSystem.factory }

    // MARK: - Ingest

    /// One poll batch is durable in Postgres.
    func batchRecorded(inserted: Int, redelivered: Int, deadLettered: Int) {
        if inserted > 0 { counter(Name.eventsIngested).increment(by: inserted) }
        if redelivered > 0 { counter(Name.eventsRedelivered).increment(by: redelivered) }
        if deadLettered > 0 { counter(Name.eventsDeadLettered).increment(by: deadLettered) }
    }

    /// Events whose Kafka key is missing or is not their employee id: they may sit on another
    /// partition than the employee's other events, so only arrival at Roster orders them.
    func eventsWithoutEmployeeKey(_ count: Int) {
        if count > 0 { counter(Name.eventsWithoutEmployeeKey).increment(by: count) }
    }

    /// The mass-offboarding brake held `held` offboardings in one recording transaction that
    /// has committed (call it after the commit: a rolled-back transaction held nothing).
    public func offboardingBrakeTripped(held: Int) {
        guard held > 0 else { return }
        counter(Name.brakeTrips).increment()
        counter(Name.offboardingsHeld).increment(by: held)
    }

    // MARK: - Execution

    /// A job run was interrupted by a storage (Postgres) error and will be resumed.
    func storageInterruption() {
        counter(Name.storageInterruptions).increment()
    }

    /// A job died with this vendor's chain failed (the other vendors' outcomes are on the job).
    func vendorChainFailed(vendor: String) {
        counter(Name.vendorChainFailures, [("vendor", vendor)]).increment()
    }

    /// A job was released because its plan names a vendor this worker lacks.
    func vendorNotConfigured() {
        counter(Name.vendorNotConfigured).increment()
    }

    /// A job run ended: `status` is `succeeded`, `retrying`, `dead` or `released`.
    func jobRun(type: HREvent.Kind, status: String) {
        counter(Name.jobRuns, [("type", type.shortName), ("status", status)]).increment()
    }

    /// A step attempt ended: `status` is `succeeded`, `retry`, `failed`, `deferred` or `cancelled`.
    func stepFinished(vendor: String, status: String, started: Date) {
        let seconds = max(0, Date().timeIntervalSince(started))
        timer(Name.stepDuration, [("vendor", vendor), ("status", status)]).recordSeconds(seconds)
    }

    /// An offboarding job succeeded: from the HR event's time to now (its last revocation).
    func offboardingSucceeded(eventTime: Timestamp) {
        let seconds = max(0, Date().timeIntervalSince1970 - eventTime.secondsSince1970)
        timer(Name.timeToRevoke).recordSeconds(seconds)
    }

    // MARK: - Vendor calls

    /// A vendor answered with `status`, or the call failed without an answer (`timeout`, `transport`).
    func vendorResponse(vendor: String, status: String) {
        counter(Name.vendorResponses, [("vendor", vendor), ("status", status)]).increment()
        if status == "429" { counter(Name.vendorThrottled, [("vendor", vendor)]).increment() }
    }

    /// A call got its rate-limit slot after `wait` (zero included, so `_count` is the calls admitted).
    func limiterWaited(vendor: String, wait: Duration) {
        timer(Name.limiterWait, [("vendor", vendor)]).recordNanoseconds(wait.nanoseconds)
    }

    /// A provisioning call was sent back because the shared budget is taken.
    func limiterRefused(vendor: String) {
        counter(Name.limiterRefused, [("vendor", vendor)]).increment()
    }

    /// A call was refused by the vendor's open circuit breaker.
    func breakerRejected(vendor: String) {
        counter(Name.breakerRejected, [("vendor", vendor)]).increment()
    }

    /// Creates the per-vendor counters at zero, so rates and alerts see them before the first event.
    func registerVendor(_ vendor: String) {
        for name in [Name.vendorThrottled, Name.limiterRefused, Name.breakerRejected, Name.vendorChainFailures] {
            counter(name, [("vendor", vendor)]).increment(by: 0)
        }
    }

    /// Creates the unlabeled counters at zero.
    func registerIngest() {
        for name in [
            Name.eventsIngested, Name.eventsRedelivered, Name.eventsDeadLettered, Name.refreshFailures,
            Name.eventsWithoutEmployeeKey,
            Name.storageInterruptions, Name.vendorNotConfigured, Name.brakeTrips, Name.offboardingsHeld,
        ] {
            counter(name).increment(by: 0)
        }
    }

    // MARK: - Gauges (refreshed from Postgres and Kafka)

    func gauge(_ name: String, _ labels: [(String, String)] = [], value: Double) {
        Gauge(label: name, dimensions: labels, factory: factory).record(value)
    }

    func refreshFailed() {
        counter(Name.refreshFailures).increment()
    }

    // MARK: - Helpers

    private func counter(_ name: String, _ labels: [(String, String)] = []) -> Counter {
        Counter(label: name, dimensions: labels, factory: factory)
    }

    private func timer(_ name: String, _ labels: [(String, String)] = []) -> CoreMetrics.Timer {
        CoreMetrics.Timer(label: name, dimensions: labels, factory: factory)
    }
}
