import Synchronization

/// A transport that passes every request to `base` and keeps the rate-limit headers of the
/// answers (`x-ratelimit-*`, `ratelimit-*`, `x-rate-limit-*`, `retry-after`): what a vendor
/// advertises about its budget, for `roster doctor`. Other headers are not kept, so nothing
/// sensitive (cookies, request ids) is held.
public final class RateLimitHeaderRecorder: VendorTransport {
    /// The wrapped transport.
    public let base: any VendorTransport
    private let recorded = Mutex<[String: String]>([:])

    /// - Parameter base: The transport that sends the requests (with the vendor's credential).
    public init(base: any VendorTransport) {
        self.base = base
    }

    public func send(_ request: VendorRequest) async throws -> VendorResponse {
        let response = try await base.send(request)
        let found = Self.rateLimitHeaders(in: response.headers)
        if !found.isEmpty {
            recorded.withLock { headers in
                for (name, value) in found where headers[name] == nil { headers[name] = value }
            }
        }
        return response
    }

    /// The rate-limit headers seen so far, names lower-cased; the first answer carrying a
    /// header wins.
    public var headers: [String: String] { recorded.withLock { $0 } }

    /// The rate-limit headers among `headers`, names lower-cased.
    public static func rateLimitHeaders(in headers: VendorHeaders) -> [String: String] {
        var result: [String: String] = [:]
        for field in headers {
            let name = field.name.lowercased()
            let isLimit = name.contains("ratelimit") || name.contains("rate-limit") || name == "retry-after"
            if isLimit, result[name] == nil { result[name] = field.value }
        }
        return result
    }
}
