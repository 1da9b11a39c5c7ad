/// A per-vendor circuit breaker as a pure state machine; the worker keeps its state in Postgres
/// (`circuit_breakers`) so every process sees the same breaker and operators can read it.
///
/// Closed → open after `failureThreshold` consecutive failures; open → half-open after
/// `openDuration`, when exactly one probe call is let through; its success closes the breaker,
/// its failure opens it again for another `openDuration`.
public struct CircuitBreaker: Sendable, Hashable {
    /// Where the breaker is; the raw values are what `circuit_breakers` stores and operators see.
    public enum State: String, Sendable, Hashable, Codable {
        case closed
        case open
        case halfOpen = "half_open"
    }

    /// Where the breaker is now: closed lets every call through, open none, half-open only the probe.
    public var state: State
    /// Failures recorded since the last success; reaching ``failureThreshold`` opens the breaker.
    public var consecutiveFailures: Int
    /// When an open breaker lets a probe through (and when a half-open probe is considered lost).
    public var retryAt: Timestamp?
    /// Consecutive failures that open a closed breaker.
    public var failureThreshold: Int
    /// How long the breaker stays open before a probe, and how long a probe has before another one
    /// is let through.
    public var openDuration: Duration

    /// A breaker in the given state; the defaults make a closed one with the
    /// ``RosterConfiguration/Breaker/default`` settings.
    public init(
        state: State = .closed, consecutiveFailures: Int = 0, retryAt: Timestamp? = nil, failureThreshold: Int = 5,
        openDuration: Duration = .seconds(30)
    ) {
        self.state = state
        self.consecutiveFailures = consecutiveFailures
        self.retryAt = retryAt
        self.failureThreshold = failureThreshold
        self.openDuration = openDuration
    }

    /// The answer of ``admit(now:)``.
    public enum Admission: Sendable, Hashable {
        case allowed
        /// This call is the half-open probe.
        case probe
        case rejected(retryAfter: Duration)
    }

    /// May a call go now? Mutates: taking the probe moves `retryAt` so no other caller probes at once.
    public mutating func admit(now: Timestamp) -> Admission {
        switch state {
        case .closed:
            return .allowed
        case .open, .halfOpen:
            let at = retryAt ?? now
            guard now >= at else { return .rejected(retryAfter: at.duration(since: now)) }
            state = .halfOpen
            retryAt = now.adding(openDuration)
            return .probe
        }
    }

    /// Records the outcome of a call that was let through. Only failures that say something about
    /// the vendor's health count (5xx, timeouts, connection errors), not 4xx answers or 429s.
    public mutating func record(success: Bool, now: Timestamp) {
        if success {
            state = .closed
            consecutiveFailures = 0
            retryAt = nil
            return
        }
        consecutiveFailures += 1
        if state == .halfOpen || consecutiveFailures >= failureThreshold {
            state = .open
            retryAt = now.adding(openDuration)
        }
    }
}
