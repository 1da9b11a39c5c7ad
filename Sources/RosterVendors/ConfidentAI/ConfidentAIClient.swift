import AsyncHTTPClient
import Foundation

/// A typed client for Confident AI's management API (`/v1/…`, the Admin SDK's routes).
///
/// Authentication is the literal header `CONFIDENT_API_KEY: <organization key>` (no `Bearer`);
/// see ``authentication(apiKey:)``. Every response is an envelope: `{success: true, data}` is
/// unwrapped, and `{success: false, error: "<message>"}` — with any status — becomes a
/// ``VendorError`` carrying the vendor's message (``VendorError/redactedMessage`` hides the
/// addresses Confident AI echoes). `Retry-After` on a 429 or 503 becomes
/// ``VendorError/retryAfter``; a 404 answering a DELETE is ``VendorError/isAlreadyGone``.
///
/// 409 Conflict means "already exists" here (a project name is unique per organization), so
/// the default ``policy`` classifies it as permanent; ``findOrCreateProject(named:)`` answers
/// a 409 by listing again and using the project that won.
///
/// Member listings page with `page` (from 1) and `pageSize` (at most 100): the all-pages
/// helpers ask for 100 at a time and stop when they hold `total` members (or a page is short).
public struct ConfidentAIClient: Sendable {
    /// The US base URL.
    public static let defaultBaseURL = "https://api.confident-ai.com"
    /// The EU base URL (for `confident_eu_…` keys).
    public static let euBaseURL = "https://eu.api.confident-ai.com"
    /// The credential header's name, exactly as Confident AI spells it.
    public static let apiKeyHeader = "CONFIDENT_API_KEY"
    /// The largest `pageSize` Confident AI accepts.
    public static let maximumPageSize = 100
    /// A bound on pages per listing, so a vendor bug cannot loop forever.
    public static let maximumPages = 10_000
    /// The vendor name in errors.
    static let vendor = "confident-ai"

    /// Sends the requests.
    public let transport: any VendorTransport
    /// How failures are classified (409 permanent by default: see the type's discussion).
    public var policy: FailureClassification.Policy
    /// The clock for HTTP-date `Retry-After` values.
    public var now: @Sendable () -> Date
    /// Where listed records that do not decode go (see ``UnreadableRecords``): one odd record
    /// does not fail a whole listing.
    public var unreadable: UnreadableRecords

    /// - Parameters:
    ///   - transport: Sends requests; its base URL is the host without `/v1`, and it must add
    ///     the ``apiKeyHeader`` (see ``authentication(apiKey:)``).
    ///   - policy: Failure classification knobs.
    ///   - now: The wall clock (tests pin it).
    ///   - unreadable: Collects listed records that do not decode, and refuses to skip one the
    ///     step is about.
    public init(
        transport: any VendorTransport,
        policy: FailureClassification.Policy = FailureClassification.Policy(conflictIsRetryable: false),
        now: @escaping @Sendable () -> Date = { Date() },
        unreadable: UnreadableRecords = UnreadableRecords()
    ) {
        self.transport = transport
        self.policy = policy
        self.now = now
        self.unreadable = unreadable
    }

    /// A client over an ``HTTPVendorTransport`` with `CONFIDENT_API_KEY: <apiKey>`.
    ///
    /// - Parameters:
    ///   - baseURL: ``defaultBaseURL``, ``euBaseURL``, a self-hosted URL or a fake's.
    ///   - apiKey: An organization API key (project keys cannot manage members).
    ///   - httpClient: The process's HTTP client (see ``HTTPVendorTransport``).
    ///   - requestTimeout: Overall deadline per request.
    public init(
        baseURL: String = ConfidentAIClient.defaultBaseURL,
        apiKey: String,
        httpClient: HTTPClient = .shared,
        requestTimeout: Duration = .seconds(30)
    ) {
        let configuration = HTTPVendorTransport.Configuration(
            baseURL: baseURL,
            authentication: Self.authentication(apiKey: apiKey),
            requestTimeout: requestTimeout
        )
        self.init(transport: HTTPVendorTransport(configuration: configuration, httpClient: httpClient))
    }

    /// The transport authentication for an organization key: `CONFIDENT_API_KEY: <apiKey>`.
    public static func authentication(apiKey: String) -> VendorAuthentication {
        .header(name: apiKeyHeader, value: apiKey)
    }

    // MARK: - Requests

    /// Sends `request` and unwraps a successful envelope's `data` as `Payload`.
    ///
    /// - Throws: ``VendorError``: the transport's; an HTTP error for a non-2xx status or a 2xx
    ///   envelope with `success: false`; ``VendorError/Code/decoding`` for an unexpected body.
    func send<Payload: Decodable>(_ request: VendorRequest, as type: Payload.Type) async throws -> Payload {
        let response = try await exchange(request)
        let envelope: ConfidentAIEnvelope<Payload>
        do {
            envelope = try JSONDecoder().decode(ConfidentAIEnvelope<Payload>.self, from: Data(response.body))
        } catch {
            throw decodingError(request, response, error)
        }
        if envelope.success == false {
            throw refusal(envelope.error, request, response)
        }
        guard let data = envelope.data else {
            throw decodingError(request, response, nil)
        }
        return data
    }

    /// Sends a request whose answer carries nothing Roster needs (deletes and removals): a 2xx
    /// is success unless its body is an envelope that says `success: false`; a missing or
    /// unexpected `data` is fine.
    ///
    /// - Throws: ``VendorError``.
    func perform(_ request: VendorRequest) async throws {
        let response = try await exchange(request)
        let envelope = try? JSONDecoder().decode(ConfidentAIEnvelope<Ignored>.self, from: Data(response.body))
        if let envelope, envelope.success == false {
            throw refusal(envelope.error, request, response)
        }
    }

    /// A 2xx whose envelope says `success: false`: the body wins over the status, and retrying
    /// the same request would get the same answer.
    private func refusal(_ message: String?, _ request: VendorRequest, _ response: VendorResponse) -> VendorError {
        VendorError(
            code: .http,
            status: response.status,
            message: message ?? "\(request.method.rawValue) \(request.path) reported success: false",
            classification: .permanent,
            vendor: Self.vendor
        )
    }

    /// Sends `request` and returns a 2xx response.
    ///
    /// - Throws: ``VendorError``: the transport's, or an HTTP error for a non-2xx status.
    private func exchange(_ request: VendorRequest) async throws -> VendorResponse {
        let response: VendorResponse
        do {
            response = try await transport.send(request)
        } catch var error as VendorError {
            error.vendor = error.vendor ?? Self.vendor
            throw error
        }
        guard response.isSuccess else {
            throw error(for: response, to: request)
        }
        return response
    }

    /// Any JSON value, ignored.
    private struct Ignored: Decodable {
        init(from decoder: any Decoder) throws {}
    }

    /// The decoded elements of a lenient listing; its unreadable records go to ``unreadable``.
    ///
    /// - Throws: A permanent ``VendorError`` when an unreadable record is the one the step is about.
    func readable<Element>(_ list: StepLenientList<Element>, of request: VendorRequest) throws -> [Element] {
        try unreadable.admit(list.unreadable(in: "\(request.method.rawValue) \(request.path)"), vendor: Self.vendor)
        return list.elements
    }

    /// Builds a JSON request body.
    func body(_ value: some Encodable) throws -> [UInt8] {
        try VendorExchange.jsonBody(value)
    }

    /// The ``VendorError`` for a non-2xx `response` to `request`.
    func error(for response: VendorResponse, to request: VendorRequest) -> VendorError {
        let envelope = try? JSONDecoder().decode(ConfidentAIErrorBody.self, from: Data(response.body))
        let message = VendorExchange.message(vendorMessage: envelope?.error, response: response, request: request)
        return VendorError.http(
            status: response.status,
            isDelete: request.isDelete,
            vendorCode: nil,
            message: message,
            retryAfter: RetryAfter.wait(headers: response.headers, now: now()),
            policy: policy,
            vendor: Self.vendor
        )
    }

    private func decodingError(
        _ request: VendorRequest, _ response: VendorResponse, _ error: (any Error)?
    )
        -> VendorError
    {
        let detail = error.map(DecodingErrorSummary.summary(of:)) ?? "no data"
        return VendorError(
            code: .decoding,
            status: response.status,
            message: "\(request.method.rawValue) \(request.path): unexpected envelope (\(detail))",
            classification: .permanent,
            vendor: Self.vendor
        )
    }

    // MARK: - Pagination

    /// The query for one page: `page` (≥ 1) and `pageSize` (clamped to 1–100).
    static func pageQuery(page: Int, pageSize: Int) -> [VendorRequest.QueryItem] {
        [
            .init(name: "page", value: String(max(page, 1))),
            .init(name: "pageSize", value: String(min(max(pageSize, 1), maximumPageSize))),
        ]
    }

    /// Every member of a paged listing: pages of ``maximumPageSize`` until the records read
    /// (readable or not) reach the listing's `total`, or a page comes back short or empty.
    ///
    /// - Throws: What `fetch` throws, or ``VendorError/Code/unexpected`` after ``maximumPages``.
    func allMembers(
        _ fetch: (_ page: Int, _ pageSize: Int) async throws -> ConfidentAIMemberPage
    ) async throws
        -> [ConfidentAIMember]
    {
        var members: [ConfidentAIMember] = []
        var read = 0
        let pageSize = Self.maximumPageSize
        for page in 1...Self.maximumPages {
            let result = try await fetch(page, pageSize)
            members.append(contentsOf: result.members)
            read += result.recordCount
            if result.recordCount == 0 || result.recordCount < pageSize { return members }
            if let total = result.total, read >= total { return members }
        }
        throw VendorError.unexpected("Confident AI member listing did not end after \(Self.maximumPages) pages")
    }

    /// `/v1/projects/{id}` with the id percent-encoded as one path segment.
    static func projectPath(_ projectID: String, _ suffix: String = "") -> String {
        "/v1/projects/\(VendorRequest.pathSegment(projectID))\(suffix)"
    }
}
