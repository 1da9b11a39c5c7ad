import AsyncHTTPClient
import Foundation
import Logging

/// A typed client for PostHog's organization API (`/api/organizations/{organization_id}/…`):
/// projects, members and invites.
///
/// Every method makes real calls through a ``VendorTransport`` and throws ``VendorError`` for
/// failures, with PostHog's `{type, code, detail, attr}` envelope parsed into
/// ``VendorError/message`` (`detail`) and ``VendorError/vendorCode`` (`code`, else `type`). A
/// 429's wait comes from `Retry-After` when PostHog sends it, else from the detail's "Expected
/// available in N seconds". A 404 answering a DELETE is thrown with ``VendorError/isAlreadyGone``.
///
/// Lists are `limit`/`offset` pages of `{count, next, previous, results}`; the all-pages helpers
/// follow `next` verbatim. `next` is an absolute URL: its path and query are sent through the
/// transport (which adds its own base URL), with the base URL's path prefix — for a self-hosted
/// PostHog under `/posthog` — removed first (``basePath``).
///
/// Members are addressed by their user's UUID (``PostHogMember/User/uuid``), never by the
/// membership id. Email comparisons are case-insensitive on Roster's side; PostHog's own
/// `?email=` filter is exact and case-sensitive (see ``findMember(email:)``).
///
/// A listed record that does not decode is skipped and reported (``VendorRecordSkips``), not a
/// failure of the listing; lookups for one person fail only when the skipped record names them.
public struct PostHogClient: Sendable {
    /// PostHog Cloud US; EU is `https://eu.posthog.com`.
    public static let defaultBaseURL = "https://us.posthog.com"
    /// The page size used by the all-pages helpers.
    public static let pageLimit = 100
    /// The most invites `POST /invites/bulk/` accepts in one call.
    public static let bulkInviteLimit = 20
    /// A bound on pages per listing, so a vendor bug cannot loop forever.
    public static let maximumPages = 10_000

    /// Sends the requests.
    public let transport: any VendorTransport
    /// The organization's id (a UUID, or `@current`).
    public let organizationID: String
    /// The path prefix of the transport's base URL (`""`, or `/posthog` for
    /// `https://example.com/posthog`), removed from `next` URLs before they are sent.
    public var basePath: String
    /// How failures are classified.
    public var policy: FailureClassification.Policy
    /// The clock for HTTP-date `Retry-After` values.
    public var now: @Sendable () -> Date
    /// The configured instance name: the `vendor` of skipped-record reports.
    public var instance: String = "posthog"
    /// Where skipped records are reported (never with an address).
    public var logger: Logger = Logger(label: "roster.vendors.posthog")

    /// - Parameters:
    ///   - transport: Sends requests to the PostHog host.
    ///   - organizationID: The organization's id.
    ///   - basePath: The base URL's path prefix (see ``basePath``; ``pathPrefix(ofBaseURL:)``).
    ///   - policy: Failure classification knobs.
    ///   - now: The wall clock (tests pin it).
    public init(
        transport: any VendorTransport,
        organizationID: String,
        basePath: String = "",
        policy: FailureClassification.Policy = .default,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.transport = transport
        self.organizationID = organizationID
        self.basePath = basePath
        self.policy = policy
        self.now = now
    }

    /// A client over an ``HTTPVendorTransport`` with `Authorization: Bearer <personalAPIKey>`.
    ///
    /// - Parameters:
    ///   - baseURL: `https://us.posthog.com`, `https://eu.posthog.com`, a self-hosted URL, or a fake's.
    ///   - organizationID: The organization's id.
    ///   - personalAPIKey: A personal API key (`phx_…`) with `organization_member` and `project` scopes.
    ///   - httpClient: The process's HTTP client (see ``HTTPVendorTransport``).
    ///   - requestTimeout: Overall deadline per request.
    public init(
        baseURL: String = PostHogClient.defaultBaseURL,
        organizationID: String,
        personalAPIKey: String,
        httpClient: HTTPClient = .shared,
        requestTimeout: Duration = .seconds(30)
    ) {
        let configuration = HTTPVendorTransport.Configuration(
            baseURL: baseURL,
            authentication: .bearer(personalAPIKey),
            requestTimeout: requestTimeout
        )
        self.init(
            transport: HTTPVendorTransport(configuration: configuration, httpClient: httpClient),
            organizationID: organizationID,
            basePath: Self.pathPrefix(ofBaseURL: baseURL)
        )
    }

    /// The path of `baseURL` without a trailing `/`: `""` for `https://us.posthog.com/`,
    /// `/posthog` for `https://example.com/posthog/`.
    public static func pathPrefix(ofBaseURL baseURL: String) -> String {
        var path = Self.splitURL(baseURL).path
        while path.hasSuffix("/") { path.removeLast() }
        return path
    }

    /// `/api/organizations/{organization_id}` with the id encoded as one path segment.
    var organizationPath: String {
        "/api/organizations/\(VendorRequest.pathSegment(organizationID))"
    }

    // MARK: - Requests

    /// Sends `request` and returns a 2xx response.
    ///
    /// - Throws: ``VendorError``: the transport's, or an HTTP error for a non-2xx status.
    @discardableResult
    func send(_ request: VendorRequest) async throws -> VendorResponse {
        let response: VendorResponse
        do {
            response = try await transport.send(request)
        } catch var error as VendorError {
            error.vendor = error.vendor ?? "posthog"
            throw error
        }
        guard response.isSuccess else {
            throw error(for: response, to: request)
        }
        return response
    }

    /// Sends `request` and decodes a 2xx body as `Response`.
    ///
    /// - Throws: ``VendorError``, with ``VendorError/Code/decoding`` for an unexpected body.
    func send<Response: Decodable>(_ request: VendorRequest, as type: Response.Type) async throws -> Response {
        try decode(try await send(request), to: request, as: type)
    }

    /// Decodes the 2xx `response` to `request` as `Response`.
    ///
    /// - Throws: ``VendorError/Code/decoding`` when the body does not have the expected shape.
    func decode<Response: Decodable>(
        _ response: VendorResponse,
        to request: VendorRequest,
        as type: Response.Type
    ) throws -> Response {
        do {
            return try JSONDecoder().decode(Response.self, from: Data(response.body))
        } catch {
            throw VendorError(
                code: .decoding,
                status: response.status,
                message: "\(request.method.rawValue) \(request.path): unexpected \(Response.self) body",
                classification: .permanent,
                vendor: "posthog"
            )
        }
    }

    /// Builds a JSON request body.
    func body(_ value: some Encodable) throws -> [UInt8] {
        try VendorExchange.jsonBody(value)
    }

    /// The ``VendorError`` for a non-2xx `response` to `request`.
    func error(for response: VendorResponse, to request: VendorRequest) -> VendorError {
        let envelope = try? JSONDecoder().decode(PostHogErrorEnvelope.self, from: Data(response.body))
        let message = VendorExchange.message(vendorMessage: envelope?.detail, response: response, request: request)
        var retryAfter = RetryAfter.wait(headers: response.headers, now: now())
        if retryAfter == nil, response.status == 429, let detail = envelope?.detail {
            retryAfter = RetryAfter.expectedAvailable(inDetail: detail)
        }
        return VendorError.http(
            status: response.status,
            isDelete: request.isDelete,
            vendorCode: envelope?.code ?? envelope?.type,
            message: message,
            retryAfter: retryAfter,
            policy: policy,
            vendor: "posthog"
        )
    }

    // MARK: - Pagination

    /// The query items for one page.
    static func pageQuery(limit: Int, offset: Int) -> [VendorRequest.QueryItem] {
        var query = [VendorRequest.QueryItem(name: "limit", value: String(max(limit, 1)))]
        if offset > 0 {
            query.append(.init(name: "offset", value: String(offset)))
        }
        return query
    }

    /// Every item of a listing: `first`, then each `next` URL verbatim until it is `null`.
    /// Records that do not decode are reported (``VendorRecordSkips``) and returned apart.
    ///
    /// - Parameter listing: What is listed, for the report (`members`, `invites`).
    /// - Throws: ``VendorError``; ``VendorError/Code/unexpected`` when `next` repeats a page
    ///   or after ``maximumPages`` pages.
    func allPages<Item: Sendable & Hashable & Decodable>(
        _ first: VendorRequest, of type: Item.Type, listing: String
    ) async throws -> LenientList<Item> {
        var all = LenientList<Item>(items: [])
        var request = first
        var visited: Set<String> = [first.pathWithQuery]
        for _ in 0..<Self.maximumPages {
            let page = try await send(request, as: PostHogPage<Item>.self)
            all.items.append(contentsOf: page.results)
            all.unreadable.append(contentsOf: page.unreadable)
            VendorRecordSkips.report(page.unreadable, vendor: instance, listing: listing, logger: logger)
            guard let next = page.next, !next.isEmpty else { return all }
            request = nextRequest(next)
            guard visited.insert(request.pathWithQuery).inserted else {
                throw VendorError.unexpected("PostHog list repeated a page (next did not advance)")
            }
        }
        throw VendorError.unexpected("PostHog list did not end after \(Self.maximumPages) pages")
    }

    /// Throws when one of `records` (skipped, unreadable) names `email`: the step is about that
    /// very record, so going on without it could leave the person's access behind.
    ///
    /// - Throws: A permanent ``VendorError/Code/decoding`` naming the record's id, never the address.
    func refuseUnreadable(_ records: [UnreadableRecord], concerning email: String, what: String) throws {
        guard let record = records.first(where: { $0.concerns(email: email) }) else { return }
        throw VendorError(
            code: .decoding,
            message: "PostHog \(what) \(record) is this person's and could not be read; "
                + "fix or remove it in PostHog, then replay",
            classification: .permanent,
            vendor: instance
        )
    }

    /// A GET for a `next` URL: its path (without ``basePath``) and its query exactly as sent,
    /// for the transport to put after its own base URL. The host is ignored: requests only ever
    /// go where the transport points, so credentials never follow a URL elsewhere.
    ///
    /// When ``basePath`` is unknown (empty) but the URL's path has a prefix before `/api/`, the
    /// prefix is dropped too, since the transport's base URL already carries it.
    public func nextRequest(_ next: String) -> VendorRequest {
        var (path, query) = Self.splitURL(next)
        if !basePath.isEmpty, path.hasPrefix(basePath + "/") {
            path.removeFirst(basePath.count)
        } else if !path.hasPrefix("/api/"), let range = path.range(of: "/api/") {
            path = String(path[range.lowerBound...])
        }
        if path.isEmpty { path = "/" }
        // The query goes in verbatim: decoding and re-encoding could change it.
        return VendorRequest(.get, query.isEmpty ? path : "\(path)?\(query)")
    }

    /// The path and raw query of an absolute or path-only URL.
    static func splitURL(_ url: String) -> (path: String, query: String) {
        var rest = Substring(url)
        if let scheme = rest.range(of: "://") {
            rest = rest[scheme.upperBound...]
            // The authority ends at the first `/`, `?` or `#`.
            rest = rest.firstIndex { "/?#".contains($0) }.map { rest[$0...] } ?? rest[rest.endIndex...]
        }
        if let fragment = rest.firstIndex(of: "#") { rest = rest[..<fragment] }
        guard let mark = rest.firstIndex(of: "?") else { return (String(rest), "") }
        let path = rest[..<mark]
        return (path.isEmpty ? "/" : String(path), String(rest[rest.index(after: mark)...]))
    }
}
