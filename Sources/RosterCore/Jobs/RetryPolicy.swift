/// When to try a failed step again, per vendor: full-jitter exponential backoff with a cap and a
/// maximum number of attempts, and the vendor's own `Retry-After` when it gave one.
///
/// Defaults (README "Retries"): base 1 s, cap 5 min, 8 attempts.
public struct RetryPolicy: Sendable, Hashable {
    /// The first retry's ceiling; each later attempt doubles it, up to ``cap``.
    public var base: Duration
    /// The highest ceiling any wait is drawn under; a vendor's `Retry-After` may still be longer.
    public var cap: Duration
    /// Attempts per step, the first included: the failure of attempt `maxAttempts` gives up.
    public var maxAttempts: Int

    /// A policy; the defaults are those of ``RosterConfiguration/Retry/default``.
    public init(base: Duration = .seconds(1), cap: Duration = .seconds(300), maxAttempts: Int = 8) {
        self.base = base
        self.cap = cap
        self.maxAttempts = maxAttempts
    }

    /// What to do after a failed attempt.
    public enum Decision: Sendable, Hashable {
        case retry(after: Duration)
        /// Not retryable, or attempts exhausted: the job is dead with this error as its cause.
        case giveUp
    }

    /// - Parameters:
    ///   - attempt: the attempt that just failed, from 1.
    ///   - retryable: the failure's classification.
    ///   - retryAfter: what the vendor asked for, if anything; never waited less than that.
    public func decide<G: RandomNumberGenerator>(
        attempt: Int, retryable: Bool, retryAfter: Duration?, using generator: inout G
    ) -> Decision {
        guard retryable, attempt < maxAttempts else { return .giveUp }
        let jitter = Backoff.fullJitter(attempt: attempt - 1, base: base, cap: cap, using: &generator)
        return .retry(after: max(jitter, retryAfter ?? .zero))
    }

    /// ``decide(attempt:retryable:retryAfter:using:)`` with the system's random number generator.
    public func decide(attempt: Int, retryable: Bool, retryAfter: Duration?) -> Decision {
        var generator = SystemRandomNumberGenerator()
        return decide(attempt: attempt, retryable: retryable, retryAfter: retryAfter, using: &generator)
    }
}
