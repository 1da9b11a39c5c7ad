import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import RosterCore

/// A ``VendorTransport`` over AsyncHTTPClient: base URL, credentials, a per-request deadline and
/// a user agent, and nothing else.
///
/// ## The HTTP client
/// Use one `HTTPClient` per process for every vendor (its connection pools are per host).
/// ``makeHTTPClient(connectTimeout:readTimeout:)`` makes one with Roster's settings: connect and
/// read timeouts, and redirects disallowed so credentials are never replayed to another host.
/// Whoever makes it owns it: call `try await client.shutdown()` once, after every task that uses
/// a transport has finished (a worker does this after its executor service has stopped; an
/// `HTTPClient` that is deinitialised without shutdown traps). The default, `HTTPClient.shared`,
/// is a process-wide singleton that must never be shut down; it is fine for tests and one-shot
/// commands but has no read timeout of its own, so ``Configuration/requestTimeout`` bounds it.
public struct HTTPVendorTransport: VendorTransport {
    /// Where and how to reach one vendor instance.
    public struct Configuration: Sendable, CustomStringConvertible {
        /// The vendor's base URL including any path prefix (`https://api.openai.com/v1`,
        /// `https://api-f1db6c.stack.tryrelevance.com/latest`); a trailing `/` is ignored.
        public var baseURL: String
        /// The credential header.
        public var authentication: VendorAuthentication
        /// The overall deadline for one request, from sending to the last body byte.
        public var requestTimeout: Duration
        /// The `User-Agent` header.
        public var userAgent: String
        /// Larger response bodies fail with ``VendorError/Code/unexpected``.
        public var maximumResponseBytes: Int

        /// - Parameters:
        ///   - baseURL: The vendor's base URL, path prefix included.
        ///   - authentication: The credential header.
        ///   - requestTimeout: Overall deadline per request (default 30 s).
        ///   - userAgent: The `User-Agent` (default `roster`).
        ///   - maximumResponseBytes: Response size limit (default 16 MiB).
        public init(
            baseURL: String,
            authentication: VendorAuthentication,
            requestTimeout: Duration = .seconds(30),
            userAgent: String = "roster",
            maximumResponseBytes: Int = 16 << 20
        ) {
            var base = baseURL
            while base.hasSuffix("/") { base.removeLast() }
            self.baseURL = base
            self.authentication = authentication
            self.requestTimeout = requestTimeout
            self.userAgent = userAgent
            self.maximumResponseBytes = maximumResponseBytes
        }

        public var description: String {
            "\(baseURL) (auth \(authentication), timeout \(requestTimeout))"
        }
    }

    /// Where and how this transport reaches its vendor.
    public let configuration: Configuration
    private let client: HTTPClient

    /// - Parameters:
    ///   - configuration: The vendor's base URL, credential and limits.
    ///   - httpClient: The process's client (see the type's discussion about ownership).
    public init(configuration: Configuration, httpClient: HTTPClient = .shared) {
        self.configuration = configuration
        self.client = httpClient
    }

    /// Makes the process's `HTTPClient` for vendor calls.
    ///
    /// - Parameters:
    ///   - connectTimeout: TCP (and TLS) connect timeout (default 5 s).
    ///   - readTimeout: The longest silence while waiting for response bytes (default 30 s).
    /// - Important: The caller owns the client and must `try await shutdown()` it exactly once.
    public static func makeHTTPClient(
        connectTimeout: Duration = .seconds(5),
        readTimeout: Duration = .seconds(30)
    ) -> HTTPClient {
        let configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: TimeAmount(connectTimeout), read: TimeAmount(readTimeout))
        )
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    public func send(_ request: VendorRequest) async throws -> VendorResponse {
        var outgoing = HTTPClientRequest(url: configuration.baseURL + request.pathWithQuery)
        outgoing.method = HTTPMethod(rawValue: request.method.rawValue)
        outgoing.headers.add(name: "User-Agent", value: configuration.userAgent)
        outgoing.headers.add(name: "Accept", value: "application/json")
        for field in request.headers {
            outgoing.headers.add(name: field.name, value: field.value)
        }
        do {
            for field in try await configuration.authentication.headers() {
                outgoing.headers.replaceOrAdd(name: field.name, value: field.value)
            }
        } catch {
            throw VendorError(code: .unexpected, message: "credential provider failed: \(error)")
        }
        if let body = request.body {
            outgoing.headers.add(name: "Content-Type", value: "application/json")
            outgoing.body = .bytes(ByteBuffer(bytes: body))
        } else if request.method != .get {
            outgoing.headers.add(name: "Content-Length", value: "0")
        }

        do {
            let response = try await client.execute(outgoing, timeout: TimeAmount(configuration.requestTimeout))
            let body = try await response.body.collect(upTo: configuration.maximumResponseBytes)
            var headers = VendorHeaders()
            for (name, value) in response.headers {
                headers.add(name: name, value: value)
            }
            return VendorResponse(status: Int(response.status.code), headers: headers, body: Array(buffer: body))
        } catch let error as VendorError {
            throw error
        } catch {
            throw Self.translate(error)
        }
    }

    /// Maps AsyncHTTPClient and NIO failures onto ``VendorError`` codes. Cancellation stays
    /// `CancellationError` so that shutdown is not mistaken for a vendor outage.
    static func translate(_ error: any Error) -> any Error {
        if error is CancellationError { return error }
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout, .readTimeout, .writeTimeout, .deadlineExceeded, .tlsHandshakeTimeout,
                .getConnectionFromPoolTimeout, .socksHandshakeTimeout, .httpProxyHandshakeTimeout:
                return VendorError.timeout("request timed out (\(error))")
            case .cancelled:
                return CancellationError()
            default:
                return VendorError.transport("HTTP failure (\(error))")
            }
        }
        if error is NIOTooManyBytesError {
            return VendorError.unexpected("response body larger than the configured maximum")
        }
        return VendorError.transport("connection failure (\(error))")
    }
}

extension TimeAmount {
    /// `duration` rounded down to nanoseconds.
    fileprivate init(_ duration: Duration) {
        self = .nanoseconds(duration.nanoseconds)
    }
}
