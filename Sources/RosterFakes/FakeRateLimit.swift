/// A fake server's request budget: at most ``requests`` admitted requests per fixed window.
///
/// Windows are fixed and aligned to the server's start (or last reset): window *k* is
/// `[start + k·window, start + (k+1)·window)`. Only admitted requests count; refused ones get
/// 429 with `Retry-After` = the whole seconds until the window ends (at least 1). Fixed windows
/// mean up to 2 × ``requests`` can be admitted within one *sliding* window straddling a
/// boundary, as with many real limiters; use ``FakeCallLog/countsPerFixedWindow(_:where:)``
/// to check against the same windows, and ``FakeCallLog/peakCount(inAnyWindowOf:where:)`` to
/// check a client's own pacing.
public struct FakeRateLimit: Sendable, Hashable {
    /// Admitted requests per window.
    public var requests: Int
    /// The window length.
    public var window: Duration

    /// - Parameters:
    ///   - requests: Admitted requests per window (≥ 1).
    ///   - window: The window length (default one second).
    public init(requests: Int, per window: Duration = .seconds(1)) {
        precondition(requests >= 1 && window > .zero, "a rate limit needs at least one request per positive window")
        self.requests = requests
        self.window = window
    }

    /// The counting state of a ``FakeRateLimit``: a pure value, driven by explicit instants.
    public struct Counter: Sendable, Hashable {
        /// The limit being counted.
        public private(set) var limit: FakeRateLimit
        /// The window last counted (−1 before the first request).
        public private(set) var windowIndex: Int = -1
        /// Requests admitted in that window.
        public private(set) var admitted: Int = 0

        public init(_ limit: FakeRateLimit) {
            self.limit = limit
        }

        /// Admits one request at `offset` since the start, or returns how long until the
        /// current window ends.
        public mutating func admit(at offset: Duration) -> Duration? {
            let index = Int(offset / limit.window)
            if index != windowIndex {
                windowIndex = index
                admitted = 0
            }
            guard admitted < limit.requests else {
                return limit.window * (index + 1) - offset
            }
            admitted += 1
            return nil
        }

        /// Requests left in the window containing `offset`.
        public func remaining(at offset: Duration) -> Int {
            Int(offset / limit.window) == windowIndex ? max(limit.requests - admitted, 0) : limit.requests
        }
    }
}
