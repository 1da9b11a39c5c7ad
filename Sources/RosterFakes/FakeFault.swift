/// A misbehaviour a fake vendor server plays once, for the next request that matches.
///
/// Queue them with the server's `injectFaults(_:matching:)`; each is consumed by one request.
public enum FakeFault: Sendable, Hashable {
    /// Answer with `status` (and the vendor's error envelope) without touching state; with
    /// `retryAfter`, send `Retry-After: <seconds>`.
    case status(Int, retryAfter: Int? = nil)
    /// Wait, then handle the request normally (to trip client timeouts or reorder calls).
    case delay(Duration)
    /// Apply the request, then answer `status` anyway — the vendor did the work but the caller
    /// cannot know (the case idempotency exists for).
    case statusAfterApplying(Int)

    /// Shorthand for ``status(_:retryAfter:)`` without `Retry-After`.
    public static func status(_ code: Int) -> FakeFault { .status(code, retryAfter: nil) }
}

/// Which requests a queued ``FakeFault`` applies to; `nil` fields match anything.
public struct FakeRequestMatcher: Sendable, Hashable {
    /// `GET`, `POST`, … (case-insensitive).
    public var method: String?
    /// A path prefix (the full path as sent, including any `/v1`).
    public var pathPrefix: String?

    public init(method: String? = nil, pathPrefix: String? = nil) {
        self.method = method?.uppercased()
        self.pathPrefix = pathPrefix
    }

    /// Matches every request.
    public static let any = FakeRequestMatcher()

    /// Whether `request` matches.
    public func matches(_ request: FakeHTTPRequest) -> Bool {
        (method == nil || request.method == method) && (pathPrefix == nil || request.path.hasPrefix(pathPrefix!))
    }
}
