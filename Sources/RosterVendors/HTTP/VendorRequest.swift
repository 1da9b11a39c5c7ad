/// One HTTP call to a vendor's admin API, independent of the HTTP library that sends it.
///
/// The path is relative to the transport's base URL (which keeps its own prefix such as `/v1`),
/// query items keep their order and may repeat (`emails[]=a&emails[]=b`), and the body is
/// already-encoded JSON. A request carries no credentials: the transport adds them.
public struct VendorRequest: Sendable, Hashable {
    /// The HTTP methods vendor admin APIs use.
    public enum Method: String, Sendable, Hashable, CaseIterable {
        case get = "GET"
        case post = "POST"
        case put = "PUT"
        case patch = "PATCH"
        case delete = "DELETE"
    }

    /// One `name=value` pair of the query string, before percent-encoding.
    public struct QueryItem: Sendable, Hashable {
        /// The parameter name, unencoded (`emails[]`).
        public var name: String
        /// The parameter value, unencoded.
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The HTTP method.
    public var method: Method
    /// The path below the base URL, starting with `/`, each segment already safe for a URL
    /// (see ``VendorRequest/pathSegment(_:)`` for ids that come from outside).
    public var path: String
    /// The query items, in order; names may repeat.
    public var query: [QueryItem]
    /// The JSON body, or `nil` for none.
    public var body: [UInt8]?
    /// Extra headers (for example `Idempotency-Key`); authentication is never put here.
    public var headers: VendorHeaders
    /// Whether the call only reads: every `GET`, and the `POST`s some vendors list with (Relevance
    /// AI's `…/list` endpoints). Reads are not fenced and never count as a mutation sent.
    public var isRead: Bool

    /// - Parameters:
    ///   - method: The HTTP method.
    ///   - path: The path below the base URL, starting with `/`.
    ///   - query: Query items in order; names may repeat.
    ///   - body: Encoded JSON, or `nil`.
    ///   - headers: Extra request headers.
    public init(
        _ method: Method,
        _ path: String,
        query: [QueryItem] = [],
        body: [UInt8]? = nil,
        headers: VendorHeaders = [:]
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.body = body
        self.headers = headers
        self.isRead = method == .get
    }

    /// Whether the call changes vendor state (POST, PUT, PATCH, DELETE): audit logs and
    /// retry policies treat these differently from reads.
    public var isMutation: Bool { !isRead }

    /// Whether the call is a DELETE, for which a 404 means "already gone".
    public var isDelete: Bool { method == .delete }

    /// The percent-encoded query string without the leading `?`, or `""` when there is none.
    ///
    /// Names and values are encoded with RFC 3986 unreserved characters left as they are, so
    /// `emails[]` becomes `emails%5B%5D` and `+` in an address becomes `%2B`.
    public var encodedQuery: String {
        query.map { "\(Self.percentEncode($0.name))=\(Self.percentEncode($0.value))" }.joined(separator: "&")
    }

    /// The path followed by `?` and ``encodedQuery`` when there is a query.
    public var pathWithQuery: String {
        query.isEmpty ? path : "\(path)?\(encodedQuery)"
    }

    /// `id` percent-encoded for use as one path segment, so an id from a vendor or an operator
    /// can never change which endpoint is called (`../`, `/`, `?` are all encoded).
    public static func pathSegment(_ id: String) -> String {
        percentEncode(id)
    }

    /// Percent-encodes everything except RFC 3986 unreserved characters (`A–Z a–z 0–9 - . _ ~`).
    public static func percentEncode(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".unicodeScalars)
                out.unicodeScalars.append("%")
                out.unicodeScalars.append(hex[Int(byte >> 4)])
                out.unicodeScalars.append(hex[Int(byte & 0x0F)])
            }
        }
        return out
    }
}
