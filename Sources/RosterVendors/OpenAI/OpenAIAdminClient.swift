import AsyncHTTPClient
import Foundation
import Logging

/// A typed client for OpenAI's organization Admin API (`/organization/…`).
///
/// Every method makes real calls through a ``VendorTransport`` (so rate limiting, circuit
/// breaking and attempt recording can wrap it) and throws ``VendorError`` for failures, with
/// OpenAI's `{error:{message,type,param,code}}` envelope parsed into ``VendorError/message``
/// and ``VendorError/vendorCode``, and `Retry-After`/`retry-after-ms`/`x-ratelimit-reset-*`
/// into ``VendorError/retryAfter``. A 404 answering a DELETE is thrown with
/// ``VendorError/isAlreadyGone`` set: callers treat it as done.
///
/// Lists come in two forms: `…Page(after:limit:)` returns one page, and the plain name pages
/// through everything with `limit` ``pageLimit`` (100, the maximum), passing the previous
/// page's `last_id` as `after` until `has_more` is `false`.
///
/// Modifications use POST, as OpenAI's admin API does. Email comparisons are case-insensitive,
/// on Roster's side (whether OpenAI's `emails[]` filter ignores case is not documented).
///
/// A listed record that does not decode is skipped and reported (``VendorRecordSkips``), not a
/// failure of the listing; lookups for one person fail only when the skipped record names them.
public struct OpenAIAdminClient: Sendable {
    /// OpenAI's public base URL.
    public static let defaultBaseURL = "https://api.openai.com/v1"
    /// The page size used by the all-pages helpers: OpenAI's maximum.
    public static let pageLimit = 100
    /// A bound on pages per listing, so a vendor bug cannot loop forever (10,000 × 100 items).
    public static let maximumPages = 10_000

    /// Sends the requests.
    public let transport: any VendorTransport
    /// How failures are classified (409 retryable by default).
    public var policy: FailureClassification.Policy
    /// The clock for HTTP-date `Retry-After` values.
    public var now: @Sendable () -> Date
    /// The configured instance name: the `vendor` of skipped-record reports.
    public var instance: String = "openai"
    /// Where skipped records are reported (never with an address).
    public var logger: Logger = Logger(label: "roster.vendors.openai")

    /// - Parameters:
    ///   - transport: Sends requests; its base URL must include `/v1`.
    ///   - policy: Failure classification knobs.
    ///   - now: The wall clock (tests pin it).
    public init(
        transport: any VendorTransport,
        policy: FailureClassification.Policy = .default,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.transport = transport
        self.policy = policy
        self.now = now
    }

    /// A client over an ``HTTPVendorTransport`` with `Authorization: Bearer <adminKey>`.
    ///
    /// - Parameters:
    ///   - baseURL: `https://api.openai.com/v1` or a fake's URL (with its `/v1`).
    ///   - adminKey: An organization admin key (`sk-admin-…`); project keys are refused by OpenAI.
    ///   - httpClient: The process's HTTP client (see ``HTTPVendorTransport``).
    ///   - requestTimeout: Overall deadline per request.
    public init(
        baseURL: String = OpenAIAdminClient.defaultBaseURL,
        adminKey: String,
        httpClient: HTTPClient = .shared,
        requestTimeout: Duration = .seconds(30)
    ) {
        let configuration = HTTPVendorTransport.Configuration(
            baseURL: baseURL,
            authentication: .bearer(adminKey),
            requestTimeout: requestTimeout
        )
        self.init(transport: HTTPVendorTransport(configuration: configuration, httpClient: httpClient))
    }

    // MARK: - Requests

    /// Sends `request` and decodes a 2xx body as `Response`.
    ///
    /// - Throws: ``VendorError``: the transport's, an HTTP error from a non-2xx status, or
    ///   ``VendorError/Code/decoding`` when the body does not have the expected shape.
    func send<Response: Decodable>(_ request: VendorRequest, as type: Response.Type) async throws -> Response {
        let response: VendorResponse
        do {
            response = try await transport.send(request)
        } catch var error as VendorError {
            error.vendor = error.vendor ?? "openai"
            throw error
        }
        guard response.isSuccess else {
            throw error(for: response, to: request)
        }
        do {
            return try JSONDecoder().decode(Response.self, from: Data(response.body))
        } catch {
            throw VendorError(
                code: .decoding,
                status: response.status,
                message:
                    "\(request.method.rawValue) \(request.path): unexpected \(Response.self) body (\(Self.summary(of: error)))",
                classification: .permanent,
                vendor: "openai"
            )
        }
    }

    /// Builds a JSON request body.
    func body(_ value: some Encodable) throws -> [UInt8] {
        try VendorExchange.jsonBody(value)
    }

    /// The ``VendorError`` for a non-2xx `response` to `request`.
    func error(for response: VendorResponse, to request: VendorRequest) -> VendorError {
        let envelope = try? JSONDecoder().decode(OpenAIErrorEnvelope.self, from: Data(response.body))
        let message = VendorExchange.message(
            vendorMessage: envelope?.error.message, response: response, request: request)
        let vendorSaysRetry: Bool? =
            switch response.headers["x-should-retry"]?.lowercased() {
            case "true": true
            case "false": false
            default: nil
            }
        return VendorError.http(
            status: response.status,
            isDelete: request.isDelete,
            vendorCode: envelope?.error.code ?? envelope?.error.type,
            message: message,
            retryAfter: RetryAfter.wait(headers: response.headers, now: now()),
            policy: policy,
            vendorSaysRetry: vendorSaysRetry,
            vendor: "openai"
        )
    }

    // MARK: - Pagination

    /// The query items for one page: `limit` (clamped to 1–100) and `after` when given.
    static func pageQuery(after: String?, limit: Int) -> [VendorRequest.QueryItem] {
        var query = [VendorRequest.QueryItem(name: "limit", value: String(min(max(limit, 1), 100)))]
        if let after {
            query.append(.init(name: "after", value: after))
        }
        return query
    }

    /// Every item of a listing, fetching pages with `fetch(after)` until `has_more` is `false`.
    /// Records that do not decode are reported (``VendorRecordSkips``) and returned apart.
    ///
    /// - Parameter listing: What is listed, for the report (`organization users`, `invites`).
    /// - Throws: What `fetch` throws, or ``VendorError/Code/unexpected`` when a page says there
    ///   is more but gives no new cursor, or after ``maximumPages`` pages.
    func allPages<Item>(
        listing: String,
        _ fetch: (_ after: String?) async throws -> OpenAIPage<Item>
    ) async throws -> LenientList<Item> {
        var all = LenientList<Item>(items: [])
        var after: String?
        for _ in 0..<Self.maximumPages {
            let page = try await fetch(after)
            all.items.append(contentsOf: page.data)
            all.unreadable.append(contentsOf: page.unreadable)
            VendorRecordSkips.report(page.unreadable, vendor: instance, listing: listing, logger: logger)
            guard page.hasMore else { return all }
            let lastItem = (page.data.last as? any Identifiable<String>)?.id
            guard let next = page.lastID ?? lastItem ?? page.unreadable.last?.id, next != after,
                !(page.data.isEmpty && page.unreadable.isEmpty)
            else {
                throw VendorError.unexpected("OpenAI list said has_more but gave no new last_id")
            }
            after = next
        }
        throw VendorError.unexpected("OpenAI list did not end after \(Self.maximumPages) pages")
    }

    /// Throws when one of `records` (skipped, unreadable) names `email`: the step is about that
    /// very record, so going on without it could leave the person's access behind.
    ///
    /// - Throws: A permanent ``VendorError/Code/decoding`` naming the record's id, never the address.
    func refuseUnreadable(_ records: [UnreadableRecord], concerning email: String, what: String) throws {
        guard let record = records.first(where: { $0.concerns(email: email) }) else { return }
        throw VendorError(
            code: .decoding,
            message: "OpenAI \(what) \(record) is this person's and could not be read; "
                + "fix or remove it in OpenAI, then replay",
            classification: .permanent,
            vendor: instance
        )
    }

    /// A short description of a decoding error: the coding path and the kind of problem, never
    /// the values.
    private static func summary(of error: any Error) -> String {
        guard let error = error as? DecodingError else { return "not JSON" }
        let path: (DecodingError.Context) -> String = { context in
            context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context): return "missing \(path(context)).\(key.stringValue)"
        case .typeMismatch(_, let context): return "wrong type at \(path(context))"
        case .valueNotFound(_, let context): return "null at \(path(context))"
        case .dataCorrupted(let context): return "invalid JSON at \(path(context))"
        @unknown default: return "undecodable"
        }
    }
}
