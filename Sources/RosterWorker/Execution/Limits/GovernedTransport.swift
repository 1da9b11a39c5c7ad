import Foundation
import Logging
import RosterCore
import RosterVendors
import ServiceLifecycle
import Synchronization

/// A ``VendorTransport`` that respects its vendor (DESIGN.md rule 3): every request passes the
/// vendor's shared circuit breaker and rate limiter first, and every answer feeds them back.
///
/// For one vendor instance, around the base transport's `send`:
/// 1. **Breaker.** ``CircuitBreakerStore/admit(vendor:)``; when open, throws
///    ``VendorError/circuitOpen(vendor:retryAfter:file:line:)`` (retryable, nothing sent).
/// 2. **Limiter.** ``RateLimiterStore/reserve(key:horizon:)`` (a slot in every window of the
///    budget, or none) with the horizon of the current
///    task's ``CallPriority``: revocations reserve even a distant slot, provisioning gets
///    ``VendorError/rateLimited(vendor:retryAfter:file:line:)`` (retryable, nothing sent) when the
///    budget is taken, leaving it to leavers. The half-open probe always reserves.
/// 3. **Wait** until the slot (cancellable), then **send**.
/// 4. **Feedback.** A 429 pauses the shared budget for its `Retry-After` (or
///    ``Configuration/defaultPause``), so no process calls before then; so does a 503 with
///    `Retry-After`, and a response announcing an exhausted budget (OpenAI's or the IETF
///    headers, ``AdvertisedLimit``). A response advertising a rate moves the shared budget
///    towards it within ``Configuration/learning`` (``LearnedBudget``). 5xx, 408, timeouts and
///    connection errors are breaker failures; any other answer, 4xx and 429 included, shows the
///    vendor is up and is a success.
///
/// Failures of the limiter's own database become a retryable ``VendorError`` (code
/// ``VendorError/Code/unexpected``), so a database blip delays jobs instead of failing them.
/// After the vendor has answered, a failure to record the outcome is logged and the answer is
/// returned anyway.
public final class GovernedTransport: VendorTransport {
    /// The transport that reaches the vendor.
    public let base: any VendorTransport
    /// Which breaker and budget, and the horizons.
    public let configuration: Configuration
    /// The shared rate limiters.
    public let limiter: RateLimiterStore
    /// The shared circuit breakers.
    public let breakers: CircuitBreakerStore
    private let logger: Logger
    private let state = Mutex(Counters())
    private let budgetEnsured = Atomic(false)
    /// The last advertised rate this process wrote to the budget, and when.
    private let lastLearned = Mutex<(advertised: Double, at: ContinuousClock.Instant)?>(nil)

    /// - Parameters:
    ///   - base: Sends the requests (an ``HTTPVendorTransport``).
    ///   - configuration: The vendor, its budget and horizons.
    ///   - limiter: The shared rate limiters.
    ///   - breakers: The shared circuit breakers (with this vendor's policy).
    ///   - logger: For pauses, breaker transitions and waits; never logs requests or bodies.
    public init(
        base: any VendorTransport,
        configuration: Configuration,
        limiter: RateLimiterStore,
        breakers: CircuitBreakerStore,
        logger: Logger = Logger(label: "roster.limits")
    ) {
        self.base = base
        self.configuration = configuration
        self.limiter = limiter
        self.breakers = breakers
        var logger = logger
        logger[metadataKey: "vendor"] = "\(configuration.vendor)"
        self.logger = logger
    }

    /// What this transport did so far.
    public var counters: Counters { self.state.withLock { $0 } }

    /// The budget key for a vendor credential: kind, base URL and the *name* of the environment
    /// variable holding the secret (`openai:https://api.openai.com/v1:OPENAI_ADMIN_KEY`), so two
    /// instances sharing a credential share a budget and the secret is never stored.
    public static func limiterKey(kind: String, baseURL: String, credential: String) -> String {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        return "\(kind):\(base):\(credential)"
    }

    // MARK: - Sending

    /// Sends `request` once, when the breaker and the shared budget allow (see the type's steps).
    ///
    /// - Returns: The vendor's response for any status; a 429 has already paused the budget.
    /// - Throws: ``VendorError`` with code ``VendorError/Code/circuitOpen`` or
    ///   ``VendorError/Code/rateLimited`` (retryable, nothing sent), the base transport's
    ///   ``VendorError``, a retryable ``VendorError/Code/unexpected`` when the limits' database
    ///   is unreachable, or `CancellationError` (also while waiting for the slot).
    public func send(_ request: VendorRequest) async throws -> VendorResponse {
        let vendor = self.configuration.vendor
        let admission = try await self.usingLimits { try await self.breakers.admit(vendor: vendor) }
        var horizon = self.configuration.horizon(for: CallPriority.current)
        switch admission {
        case .allowed:
            break
        case .probe:
            self.count { $0.probes += 1 }
            self.logger.info("circuit half-open: sending one probe call")
            // A probe stranded by a saturated budget would hold the breaker for a whole open period.
            horizon = max(horizon, self.configuration.revocationHorizon)
        case .rejected(let retryAfter):
            self.count { $0.rejected += 1 }
            RosterMetrics.current.breakerRejected(vendor: vendor)
            throw VendorError.circuitOpen(vendor: vendor, retryAfter: retryAfter)
        }

        let asked = ContinuousClock.now
        switch try await self.usingLimits({ try await self.reserve(horizon: horizon) }) {
        case .busy(let retryAfter):
            self.count { $0.busy += 1 }
            RosterMetrics.current.limiterRefused(vendor: vendor)
            self.logger.debug(
                "rate limit budget taken; sending the call back",
                metadata: ["retry_after": "\(retryAfter.secondsDescription)"]
            )
            throw VendorError.rateLimited(vendor: vendor, retryAfter: retryAfter)
        case .reserved(let wait, _):
            RosterMetrics.current.limiterWaited(vendor: vendor, wait: max(wait, .zero))
            if wait > .zero {
                self.count {
                    $0.waits += 1
                    $0.waited += wait
                }
                // A graceful shutdown abandons the wait at once (the job is released, no attempt
                // spent); an in-flight call, below, is let finish.
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: wait) }
            }
            // A slot reserved before another process's 429 must not be used inside the pause that
            // 429 imposed: look again after waiting, and after a slot meant for now came late (a
            // slow reservation round trip or a descheduled task on a busy machine).
            let late = ContinuousClock.now - asked - max(wait, .zero) > .milliseconds(100)
            if wait > .zero || late {
                while let remaining = try await self.usingLimits({
                    try await self.limiter.remainingPause(key: self.configuration.limiterKey)
                }) {
                    try await cancelWhenGracefulShutdown { try await Task.sleep(for: remaining) }
                }
            }
        }

        // The job may have been cancelled, or lost its lease, while it waited for the slot.
        try await MutationFence.checkCurrent(before: request)
        defer { MutationFence.answeredCurrent(request) }
        let response: VendorResponse
        do {
            self.count { $0.calls += 1 }
            response = try await self.base.send(request)
        } catch let error as VendorError where error.code == .transport || error.code == .timeout {
            RosterMetrics.current.vendorResponse(
                vendor: vendor, status: error.code == .timeout ? "timeout" : "transport")
            await self.recordHealth(success: false)
            throw error
        }
        RosterMetrics.current.vendorResponse(vendor: vendor, status: String(response.status))
        // Other failures (cancellation, a credential provider) say nothing about the vendor.
        await self.learn(from: response)
        return response
    }

    // MARK: - Feedback

    /// Feeds `response` to the breaker and, when it asks for a pause, to the limiter.
    private func learn(from response: VendorResponse) async {
        let unhealthy = response.status >= 500 || response.status == 408
        await self.recordHealth(success: !unhealthy)
        let asked = RetryAfter.wait(headers: response.headers, now: Date())
        let advertised = AdvertisedLimit(headers: RateLimitHeaderRecorder.rateLimitHeaders(in: response.headers))
        switch (response.status, asked) {
        case (429, _):
            let pause =
                asked ?? RetryAfter.expectedAvailable(inDetail: response.bodyText) ?? self.configuration.defaultPause
            self.count { $0.throttled += 1 }
            await self.pause(pause, throttled: true, reason: "429")
        case (503, .some(let pause)):
            self.count { $0.announcedPauses += 1 }
            await self.pause(pause, throttled: false, reason: "503 with Retry-After")
        case (200..<300, _) where self.configuration.honoursRateLimitHeaders:
            guard advertised?.remaining == 0, let reset = advertised?.reset, reset > .zero else { break }
            self.count { $0.announcedPauses += 1 }
            await self.pause(reset, throttled: false, reason: "rate limit exhausted until reset")
        default:
            break
        }
        if self.configuration.honoursRateLimitHeaders, let rate = advertised?.requestsPerSecond {
            await self.learn(advertised: rate)
        }
    }

    /// Moves the shared budget towards `advertised` (``RateLimiterStore/learn(key:advertised:raiseInterval:at:)``).
    /// A process writes at most once per raise interval while the vendor says the same; a lower
    /// figure than the last one seen is written at once.
    private func learn(advertised: Double) async {
        guard let learning = self.configuration.learning else { return }
        let now = ContinuousClock.now
        let due = self.lastLearned.withLock { last -> Bool in
            if let last, advertised >= last.advertised, now - last.at < learning.raiseInterval { return false }
            last = (advertised, now)
            return true
        }
        guard due else { return }
        do {
            try await self.ensureBudget()
            let learned = try await self.limiter.learn(
                key: self.configuration.limiterKey, advertised: advertised, raiseInterval: learning.raiseInterval
            )
            guard learned.change != .unchanged else { return }
            self.count { $0.learned += 1 }
            self.logger.notice(
                learned.change == .lowered
                    ? "vendor advertises a lower rate: the shared budget drops to it"
                    : "vendor advertises a higher rate: the shared budget moves towards it",
                metadata: [
                    "advertised_per_second": "\(advertised)",
                    "requests_per_second": "\(learned.requestsPerSecond)",
                ]
            )
        } catch {
            self.logger.warning("could not learn the vendor's advertised rate", metadata: ["error": "\(error)"])
        }
    }

    private func pause(_ requested: Duration, throttled: Bool, reason: String) async {
        let pause = min(requested, self.configuration.maximumPause)
        do {
            try await self.ensureBudget()
            let key = self.configuration.limiterKey
            let until = try await self.limiter.pause(key: key, for: pause, throttled: throttled)
            self.logger.notice(
                "vendor asked to slow down: every worker pauses its calls",
                metadata: ["reason": "\(reason)", "pause": "\(pause.secondsDescription)", "paused_until": "\(until)"]
            )
        } catch {
            self.logger.warning("could not pause the shared rate limit", metadata: ["error": "\(error)"])
        }
    }

    private func recordHealth(success: Bool) async {
        if !success { self.count { $0.failures += 1 } }
        do {
            let state = try await self.breakers.record(vendor: self.configuration.vendor, success: success)
            if !success && state == .open {
                self.logger.warning("circuit open: calls to this vendor are held back")
            }
        } catch {
            self.logger.warning("could not record the call in the circuit breaker", metadata: ["error": "\(error)"])
        }
    }

    // MARK: - Helpers

    /// Reserves a slot, creating the budget on first use (or when an operator deleted it).
    private func reserve(horizon: Duration) async throws -> RateBudget.Decision {
        try await self.ensureBudget()
        do {
            return try await self.limiter.reserve(key: self.configuration.limiterKey, horizon: horizon)
        } catch is UnknownRateLimitError {
            self.budgetEnsured.store(false, ordering: .releasing)
            try await self.ensureBudget()
            return try await self.limiter.reserve(key: self.configuration.limiterKey, horizon: horizon)
        }
    }

    private func ensureBudget() async throws {
        guard !self.budgetEnsured.load(ordering: .acquiring) else { return }
        try await self.limiter.ensure(
            key: self.configuration.limiterKey,
            vendor: self.configuration.vendor,
            budget: self.configuration.budget,
            learning: self.configuration.learning
        )
        self.budgetEnsured.store(true, ordering: .releasing)
    }

    /// Runs a limiter or breaker operation, turning database failures into a retryable error.
    private func usingLimits<Result: Sendable>(_ body: () async throws -> Result) async throws -> Result {
        do {
            return try await body()
        } catch let error as CancellationError {
            throw error
        } catch {
            if Task.isCancelled { throw CancellationError() }
            throw VendorError(
                code: .unexpected,
                message: "rate limiter or circuit breaker state unavailable: \(error)",
                classification: .retryable,
                vendor: self.configuration.vendor
            )
        }
    }

    private func count(_ update: (inout Counters) -> Void) {
        self.state.withLock { update(&$0) }
    }
}
