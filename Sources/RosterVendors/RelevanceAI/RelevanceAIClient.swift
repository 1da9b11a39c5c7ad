import AsyncHTTPClient
import Foundation

/// A typed client for Relevance AI's project-controls API (`…/latest/projects/…`, `…/auth/…`).
///
/// ## Authentication is per project
/// Relevance AI authenticates with `Authorization: <project_id>:<api_key>`, and the project in
/// that header *scopes* invites and user operations. So the header cannot live in the
/// transport: every method takes the `project` to act in, and the client puts the header on
/// each ``VendorRequest``. The transport must therefore authenticate with
/// ``VendorAuthentication/none`` — ``HTTPVendorTransport`` replaces a request's header with
/// its own credential when it has one. ``init(baseURL:apiKey:httpClient:requestTimeout:)``
/// builds such a transport.
///
/// - Important: The requests this client makes carry the API key in their headers: never log
///   a ``VendorRequest`` (log its method and path).
///
/// Errors arrive as `{"message", "error_type"}`; ``VendorError/vendorCode`` is the
/// `error_type`. A wrong key has been seen to answer 400, not 401: both are permanent. Only GET
/// and POST are used; deletes are `POST …/delete`, so a 404 to a path ending in `/delete` is
/// ``VendorError/isAlreadyGone`` just like a 404 to a DELETE.
public struct RelevanceAIClient: Sendable, CustomStringConvertible {
    /// The regions Relevance AI hosts organizations in.
    public enum Region: String, Sendable, Hashable, CaseIterable {
        case au = "f1db6c"
        case eu = "d7b62b"
        case us = "bcbe5a"

        /// `https://api-<region>.stack.tryrelevance.com/latest`.
        public var baseURL: String { "https://api-\(rawValue).stack.tryrelevance.com/latest" }
    }

    /// The AU base URL, the one Relevance AI's own documentation uses.
    public static let defaultBaseURL = Region.au.baseURL
    /// Users asked for per page (the documented default is 20; the maximum is not documented).
    public static let usersPageSize = 100
    /// Projects asked for per page.
    public static let projectsPageSize = 100
    /// A bound on pages per listing, so a vendor bug cannot loop forever.
    public static let maximumPages = 10_000
    /// The default bound on `POST /auth/users/list` pages per listing (at ``usersPageSize`` a
    /// page, 50,000 users). Pages are followed on `has_more` alone, empty ones included, so a
    /// vendor that never stops saying `has_more` must be stopped: past this bound the listing
    /// fails with a permanent ``VendorError`` rather than quietly returning what it has.
    public static let defaultMaximumUserPages = 500
    /// The vendor name in errors.
    static let vendor = "relevance-ai"

    /// Sends the requests; must not add an `Authorization` header of its own.
    public let transport: any VendorTransport
    /// How failures are classified.
    public var policy: FailureClassification.Policy
    /// The clock for HTTP-date `Retry-After` values.
    public var now: @Sendable () -> Date
    /// Where records the listings could not decode go (see ``UnreadableRecords``).
    public var unreadable: UnreadableRecords
    /// Pages of users one listing may read before it fails (``defaultMaximumUserPages``).
    public var maximumUserPages: Int = RelevanceAIClient.defaultMaximumUserPages
    private let apiKey: String

    /// - Parameters:
    ///   - transport: Sends requests; its base URL includes `/latest` and its authentication is
    ///     ``VendorAuthentication/none``.
    ///   - apiKey: The Relevance AI API key (full account access).
    ///   - policy: Failure classification knobs.
    ///   - now: The wall clock (tests pin it).
    ///   - unreadable: Collects listed records that do not decode, and refuses to skip one the
    ///     step is about.
    public init(
        transport: any VendorTransport,
        apiKey: String,
        policy: FailureClassification.Policy = .default,
        now: @escaping @Sendable () -> Date = { Date() },
        unreadable: UnreadableRecords = UnreadableRecords()
    ) {
        self.transport = transport
        self.apiKey = apiKey
        self.policy = policy
        self.now = now
        self.unreadable = unreadable
    }

    /// A client over an ``HTTPVendorTransport`` without transport authentication.
    ///
    /// - Parameters:
    ///   - baseURL: A ``Region/baseURL``, or a fake's URL (with its `/latest`).
    ///   - apiKey: The API key.
    ///   - httpClient: The process's HTTP client (see ``HTTPVendorTransport``).
    ///   - requestTimeout: Overall deadline per request.
    public init(
        baseURL: String = RelevanceAIClient.defaultBaseURL,
        apiKey: String,
        httpClient: HTTPClient = .shared,
        requestTimeout: Duration = .seconds(30)
    ) {
        let configuration = HTTPVendorTransport.Configuration(
            baseURL: baseURL,
            authentication: .none,
            requestTimeout: requestTimeout
        )
        self.init(transport: HTTPVendorTransport(configuration: configuration, httpClient: httpClient), apiKey: apiKey)
    }

    public var description: String { "RelevanceAIClient(key ****)" }

    /// This client reading through `transport` (a ``CountingTransport`` measuring a listing) and
    /// handing unreadable records to `unreadable` (a directory load's collector).
    func reading(through transport: any VendorTransport, unreadable: UnreadableRecords) -> RelevanceAIClient {
        var copy = RelevanceAIClient(
            transport: transport, apiKey: apiKey, policy: policy, now: now, unreadable: unreadable)
        copy.maximumUserPages = maximumUserPages
        return copy
    }

    // MARK: - Requests

    /// A request acting in `project`, with its `Authorization: <project>:<key>` header.
    func request(
        _ method: VendorRequest.Method,
        _ path: String,
        project: String,
        query: [VendorRequest.QueryItem] = [],
        body: [UInt8]? = nil
    ) -> VendorRequest {
        var request = VendorRequest(
            method, path, query: query, body: body, headers: ["Authorization": "\(project):\(apiKey)"])
        // Relevance AI lists with POST (`/auth/invite/list`, `/auth/users/list`, `…/keys/list`).
        if path.hasSuffix("/list") { request.isRead = true }
        return request
    }

    /// Sends `request` and decodes a 2xx body as `Response`.
    ///
    /// - Throws: ``VendorError``: the transport's, an HTTP error for a non-2xx status, or
    ///   ``VendorError/Code/decoding`` when the body does not have the expected shape.
    func send<Response: Decodable>(_ request: VendorRequest, as type: Response.Type) async throws -> Response {
        let response = try await perform(request)
        let body = response.body.isEmpty ? Array("{}".utf8) : response.body
        do {
            return try JSONDecoder().decode(Response.self, from: Data(body))
        } catch {
            let detail = DecodingErrorSummary.summary(of: error)
            throw VendorError(
                code: .decoding,
                status: response.status,
                message: "\(request.method.rawValue) \(request.path): unexpected body (\(detail))",
                classification: .permanent,
                vendor: Self.vendor
            )
        }
    }

    /// Sends `request` and returns a 2xx response without decoding it: the calls that answer
    /// `{}` (updates and deletes) need nothing from the body, whatever it is.
    ///
    /// - Throws: ``VendorError``: the transport's, or an HTTP error for a non-2xx status.
    @discardableResult
    func perform(_ request: VendorRequest) async throws -> VendorResponse {
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
        let envelope = try? JSONDecoder().decode(RelevanceAIErrorBody.self, from: Data(response.body))
        let message = VendorExchange.message(vendorMessage: envelope?.message, response: response, request: request)
        return VendorError.http(
            status: response.status,
            isDelete: Self.isDelete(request),
            vendorCode: envelope?.errorType,
            message: message,
            retryAfter: RetryAfter.wait(headers: response.headers, now: now()),
            policy: policy,
            vendor: Self.vendor
        )
    }

    /// Whether `request` deletes something: a DELETE, or Relevance AI's `POST …/delete`.
    static func isDelete(_ request: VendorRequest) -> Bool {
        request.isDelete || (request.method == .post && request.path.hasSuffix("/delete"))
    }
}
