extension GovernedTransport {
    /// What one ``GovernedTransport`` did since it was made, for tests and (later) metrics.
    public struct Counters: Sendable, Hashable {
        /// Requests sent to the vendor.
        public var calls = 0
        /// Requests that waited for their slot.
        public var waits = 0
        /// The total time spent waiting for slots.
        public var waited: Duration = .zero
        /// 429 answers (each paused the shared budget).
        public var throttled = 0
        /// Pauses announced by rate-limit headers before any refusal.
        public var announcedPauses = 0
        /// Times an advertised rate changed the shared budget (lowered or raised it).
        public var learned = 0
        /// Calls refused by the rate limiter because their slot was beyond their horizon.
        public var busy = 0
        /// Calls refused by the open circuit breaker.
        public var rejected = 0
        /// Calls that went as the breaker's half-open probe.
        public var probes = 0
        /// Outcomes recorded as vendor-health failures (5xx, 408, timeouts, connection errors).
        public var failures = 0

        /// All counts zero.
        public init() {}
    }
}
