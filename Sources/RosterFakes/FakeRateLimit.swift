import RosterCore

/// A fake server's request budget: at most ``requests`` admitted requests per fixed window.
///
/// Windows are fixed and aligned to the server's start (or last reset): window *k* is
/// `[start + k·window, start + (k+1)·window)`. Only admitted requests count; refused ones get
/// 429 with `Retry-After` = the whole seconds until the window ends (at least 1). Fixed windows
/// mean up to 2 × ``requests`` can be admitted within one *sliding* window straddling a
/// boundary, as with many real limiters; use ``FakeCallLog/countsPerFixedWindow(_:where:)``
/// to check against the same windows, and ``FakeCallLog/peakCount(inAnyWindowOf:where:)`` to
/// check a client's own pacing.
///
/// Whether the answers *advertise* the limit is a separate choice, ``advertising``: no vendor
/// documents rate-limit headers on the admin endpoints Roster calls ([U] in
/// reference/vendor-apis.md), so by default none are sent.
public struct FakeRateLimit: Sendable, Hashable {
    /// Which rate-limit headers the answers carry (refusals included).
    public enum Advertisement: String, Sendable, Hashable, CaseIterable {
        /// None.
        case none
        /// OpenAI's `x-ratelimit-limit-requests` (as requests per *minute*, the unit OpenAI
        /// documents), `x-ratelimit-remaining-requests` and `x-ratelimit-reset-requests` (a Go
        /// duration to the window's end). Source: OpenAI's rate-limit guide
        /// (https://platform.openai.com/docs/guides/rate-limits, "Rate limits in headers"), as
        /// reference/vendor-apis.md cites it; documented for model endpoints only.
        case openAI
        /// The IETF structured form: `RateLimit-Policy: "default";q=<requests>;w=<seconds>` and
        /// `RateLimit: "default";r=<remaining>;t=<seconds to the window's end>`. Source: the IETF
        /// HTTPAPI draft `draft-ietf-httpapi-ratelimit-headers` (draft 07, June 2023, and later).
        case ietf
        /// The older IETF drafts' fields: `RateLimit-Limit: <requests>, <requests>;w=<seconds>`,
        /// `RateLimit-Remaining` and `RateLimit-Reset` (seconds). Source: the same draft's earlier
        /// versions (up to 06, and `draft-polli-ratelimit-headers` before it), still sent by many servers.
        case ietfDraft
    }

    /// Admitted requests per window.
    public var requests: Int
    /// The window length.
    public var window: Duration
    /// Which headers advertise the limit.
    public var advertising: Advertisement

    /// - Parameters:
    ///   - requests: Admitted requests per window (≥ 1).
    ///   - window: The window length (default one second).
    ///   - advertising: Which rate-limit headers to send (default none).
    public init(requests: Int, per window: Duration = .seconds(1), advertising: Advertisement = .none) {
        precondition(requests >= 1 && window > .zero, "a rate limit needs at least one request per positive window")
        self.requests = requests
        self.window = window
        self.advertising = advertising
    }

    /// The headers advertising this limit for an answer at `offset` with `remaining` requests
    /// left in the window (empty for ``Advertisement/none``).
    public func headers(remaining: Int, untilWindowEnd: Duration) -> [String: String] {
        let seconds = window.inSeconds
        let windowText = seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
        let milliseconds = Int((untilWindowEnd / .milliseconds(1)).rounded(.up))
        let resetSeconds = max(1, Int((untilWindowEnd / .seconds(1)).rounded(.up)))
        switch advertising {
        case .none:
            return [:]
        case .openAI:
            return [
                "x-ratelimit-limit-requests": String(Int((Double(requests) * 60 / seconds).rounded(.down))),
                "x-ratelimit-remaining-requests": String(remaining),
                "x-ratelimit-reset-requests": "\(milliseconds)ms",
            ]
        case .ietf:
            return [
                "RateLimit-Policy": "\"default\";q=\(requests);w=\(windowText)",
                "RateLimit": "\"default\";r=\(remaining);t=\(resetSeconds)",
            ]
        case .ietfDraft:
            return [
                "RateLimit-Limit": "\(requests), \(requests);w=\(windowText)",
                "RateLimit-Remaining": String(remaining),
                "RateLimit-Reset": String(resetSeconds),
            ]
        }
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
