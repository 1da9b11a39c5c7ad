/// A vendor's HTTP response, whatever its status: the transport does not judge it.
///
/// Clients turn non-2xx responses into ``VendorError`` with the vendor's own envelope parser.
public struct VendorResponse: Sendable, Hashable {
    /// The HTTP status code.
    public var status: Int
    /// The response headers.
    public var headers: VendorHeaders
    /// The body as received (possibly empty).
    public var body: [UInt8]

    public init(status: Int, headers: VendorHeaders = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// Whether the status is 2xx.
    public var isSuccess: Bool { (200..<300).contains(status) }

    /// The body decoded as UTF-8 (invalid sequences repaired), for messages and diagnostics.
    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}
