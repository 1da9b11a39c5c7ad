/// A request limit a vendor advertises in its response headers, as a rate: pure parsing, never
/// throws, and malformed or partial headers give `nil` (or are skipped), never a crash.
///
/// Understood, names compared without case (pass them lower-cased, as
/// ``init(headers:openAIWindow:)`` expects):
/// - **OpenAI** `x-ratelimit-limit-requests: 60` (with `x-ratelimit-remaining-requests` and
///   `x-ratelimit-reset-requests: 1s`). The header states no window; OpenAI documents request
///   limits per minute (RPM), so the limit is read as per `openAIWindow` (60 s). `-tokens`
///   headers are ignored: Roster's calls spend requests, not tokens.
/// - **IETF, structured** (draft-ietf-httpapi-ratelimit-headers-07 and later):
///   `RateLimit-Policy: "default";q=100;w=60` (several policies separated by commas) with
///   `RateLimit: "default";r=50;t=30`.
/// - **IETF, older drafts**: `RateLimit-Limit: 100` with `RateLimit-Remaining` and
///   `RateLimit-Reset` (delta-seconds), the window given as quota policies either in
///   `RateLimit-Limit: 10, 10;w=1, 1000;w=3600` or in `RateLimit-Policy: 100;w=60`
///   (`window=` also accepted).
///
/// A limit `L` per window `W` is `L / W` requests per second; with several policies the tightest
/// wins. A bare `RateLimit-Limit` without any window is **not** a rate (the window could be a
/// second or a day; reading `RateLimit-Reset` as the window would overstate the rate, since the
/// reset is at most the window): its ``requestsPerSecond`` is `nil`, and only ``remaining`` and
/// ``reset`` are kept.
public struct AdvertisedLimit: Sendable, Hashable {
    /// Which header family the figure came from.
    public enum Source: String, Sendable, Hashable, CaseIterable {
        /// `x-ratelimit-*-requests` (OpenAI).
        case openAI = "openai"
        /// `RateLimit-Policy` / `RateLimit` with `q`, `w`, `r`, `t` parameters.
        case ietfStructured = "ietf"
        /// `RateLimit-Limit` / `-Remaining` / `-Reset` (older drafts).
        case ietfFields = "ietf-draft"
    }

    /// One advertised quota: `limit` requests per `window`.
    public struct Quota: Sendable, Hashable {
        /// Requests allowed in one window (at least 1).
        public var limit: Int
        /// The window (positive).
        public var window: Duration

        /// A quota of `limit` requests per `window`; the parser only makes ones with `limit ≥ 1` and a
        /// positive window.
        public init(limit: Int, window: Duration) {
            self.limit = limit
            self.window = window
        }

        /// `limit / window`.
        public var requestsPerSecond: Double { Double(limit) / window.inSeconds }
    }

    /// The header family.
    public var source: Source
    /// Every quota with a known window; empty when the vendor stated none.
    public var quotas: [Quota]
    /// Requests left in the current window, when stated.
    public var remaining: Int?
    /// Time until the quota resets, when stated.
    public var reset: Duration?

    /// A limit from `source` with these quotas and figures (the parser's result, or a test's).
    public init(source: Source, quotas: [Quota], remaining: Int? = nil, reset: Duration? = nil) {
        self.source = source
        self.quotas = quotas
        self.remaining = remaining
        self.reset = reset
    }

    /// The tightest quota's rate, `nil` when no quota states its window.
    public var requestsPerSecond: Double? { quotas.map(\.requestsPerSecond).min() }

    /// OpenAI's documented window for `x-ratelimit-limit-requests` (requests per minute).
    public static let openAIWindow: Duration = .seconds(60)

    /// Parses the rate-limit headers of one response.
    ///
    /// - Parameters:
    ///   - headers: Header names lower-cased → value (``RateLimitHeaderRecorder``'s selection).
    ///   - openAIWindow: The window OpenAI's limit is read as (``openAIWindow``).
    /// - Returns: `nil` when no known family is present or none parses. The structured IETF
    ///   form wins over the older one, which wins over OpenAI's.
    public init?(headers: [String: String], openAIWindow: Duration = Self.openAIWindow) {
        if let parsed = Self.structured(headers) ?? Self.fields(headers) ?? Self.openAI(headers, window: openAIWindow) {
            self = parsed
        } else {
            return nil
        }
    }

    // MARK: - Families

    static func openAI(_ headers: [String: String], window: Duration) -> Self? {
        let limit = headers["x-ratelimit-limit-requests"].flatMap(Self.count).flatMap { $0 >= 1 ? $0 : nil }
        let remaining = headers["x-ratelimit-remaining-requests"].flatMap(Self.count)
        // Remaining and reset without a limit still announce an exhausted budget.
        guard limit != nil || remaining != nil else { return nil }
        return Self(
            source: .openAI,
            quotas: window > .zero ? limit.map { [Quota(limit: $0, window: window)] } ?? [] : [],
            remaining: remaining,
            reset: headers["x-ratelimit-reset-requests"].flatMap(GoDuration.parse)
        )
    }

    static func structured(_ headers: [String: String]) -> Self? {
        guard let policy = headers["ratelimit-policy"] else { return nil }
        let items = StructuredList.items(policy)
        // The newer form names each policy and gives `q`; the older `100;w=60` puts the quota first.
        guard items.contains(where: { $0.parameters["q"] != nil }) else { return nil }
        let quotas = items.compactMap { item -> Quota? in
            guard let limit = item.parameters["q"].flatMap(Self.count), limit >= 1,
                let seconds = item.parameters["w"].flatMap(Self.seconds)
            else { return nil }
            return Quota(limit: limit, window: .milliseconds(Int64((seconds * 1000).rounded(.up))))
        }
        let current = headers["ratelimit"].map(StructuredList.items)?.first
        let parsed = Self(
            source: .ietfStructured,
            quotas: quotas,
            remaining: current?.parameters["r"].flatMap(Self.count),
            reset: current?.parameters["t"].flatMap(Self.seconds).map { .milliseconds(Int64(($0 * 1000).rounded())) }
        )
        return parsed.quotas.isEmpty && parsed.remaining == nil ? nil : parsed
    }

    static func fields(_ headers: [String: String]) -> Self? {
        guard let limitField = headers["ratelimit-limit"] else { return nil }
        let limitItems = StructuredList.items(limitField)
        guard let limit = limitItems.first.flatMap({ Self.count($0.value) }), limit >= 1 else { return nil }
        let policies = limitItems.dropFirst() + (headers["ratelimit-policy"].map(StructuredList.items) ?? [])
        let quotas = policies.compactMap { item -> Quota? in
            guard let quota = Self.count(item.value), quota >= 1,
                let seconds = (item.parameters["w"] ?? item.parameters["window"]).flatMap(Self.seconds)
            else { return nil }
            return Quota(limit: quota, window: .milliseconds(Int64((seconds * 1000).rounded(.up))))
        }
        return Self(
            source: .ietfFields,
            quotas: quotas,
            remaining: headers["ratelimit-remaining"].flatMap(Self.count),
            reset: headers["ratelimit-reset"].flatMap(Self.seconds).map { .milliseconds(Int64(($0 * 1000).rounded())) }
        )
    }

    // MARK: - Numbers

    /// A non-negative integer count (`60`, ` 59 `), or `nil`.
    static func count(_ text: String) -> Int? {
        let trimmed = text.trimmingWhitespace
        guard !trimmed.isEmpty, trimmed.allSatisfy(\.isASCIIDigit), trimmed.count <= 12 else { return nil }
        return Int(trimmed)
    }

    /// Positive, finite seconds at most a day (`60`, `0.5`), or `nil`.
    static func seconds(_ text: String) -> Double? {
        let trimmed = text.trimmingWhitespace
        guard let first = trimmed.first, first.isASCIIDigit, let value = Double(trimmed), value.isFinite, value > 0,
            value <= 86_400
        else { return nil }
        return value
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}

extension String {
    /// The text without leading or trailing spaces and tabs.
    var trimmingWhitespace: String {
        var text = Substring(self)
        while text.first?.isWhitespace == true { text.removeFirst() }
        while text.last?.isWhitespace == true { text.removeLast() }
        return String(text)
    }
}
