/// When to try a failed step again, per vendor: full-jitter exponential backoff with a cap and a
/// maximum number of attempts, and the vendor's own `Retry-After` when it gave one.
///
/// Defaults (README "Retries"): base 1 s, cap 5 min, 8 attempts.
public struct RetryPolicy: Sendable, Hashable {
    public var base: Duration
    public var cap: Duration
    public var maxAttempts: Int

    public init(base: Duration = .seconds(1), cap: Duration = .seconds(300), maxAttempts: Int = 8) {
        self.base = base
        self.cap = cap
        self.maxAttempts = maxAttempts
    }

    public enum Decision: Sendable, Hashable {
        case retry(after: Duration)
        /// Not retryable, or attempts exhausted: the job is dead with this error as its cause.
        case giveUp
    }

    /// - Parameters:
    ///   - attempt: the attempt that just failed, from 1.
    ///   - retryable: the failure's classification.
    ///   - retryAfter: what the vendor asked for, if anything; never waited less than that.
    public func decide<G: RandomNumberGenerator>(attempt: Int, retryable: Bool, retryAfter: Duration?, using generator: inout G) -> Decision {
        guard retryable, attempt < maxAttempts else { return .giveUp }
        let jitter = Backoff.fullJitter(attempt: attempt - 1, base: base, cap: cap, using: &generator)
        return .retry(after: max(jitter, retryAfter ?? .zero))
    }

    public func decide(attempt: Int, retryable: Bool, retryAfter: Duration?) -> Decision {
        var generator = SystemRandomNumberGenerator()
        return decide(attempt: attempt, retryable: retryable, retryAfter: retryAfter, using: &generator)
    }
}
