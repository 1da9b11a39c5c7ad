/// A request as a fake vendor server sees it, independent of the HTTP server library.
public struct FakeHTTPRequest: Sendable, Hashable {
    /// The method, uppercased.
    public var method: String
    /// The path without the query, as sent (percent-encoded).
    public var path: String
    /// The raw query string without `?` (`""` when none).
    public var rawQuery: String
    /// Header fields, names lowercased for requests.
    public var headers: [String: String]
    /// The body bytes.
    public var body: [UInt8]

    public init(
        method: String, path: String, rawQuery: String = "", headers: [String: String] = [:], body: [UInt8] = []
    ) {
        self.method = method.uppercased()
        self.path = path
        self.rawQuery = rawQuery
        self.headers = Dictionary(
            headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first })
        self.body = body
    }

    /// The header value for `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        headers[name.lowercased()]
    }

    /// The query as decoded `(name, value)` pairs in order, `+` read as a space (form encoding)
    /// and `%XX` decoded, so `emails%5B%5D=a%2Bb%40x.com` is `("emails[]", "a+b@x.com")`.
    public var queryItems: [(name: String, value: String)] {
        rawQuery.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = Self.percentDecode(parts[0], plusAsSpace: true)
            let value = parts.count > 1 ? Self.percentDecode(parts[1], plusAsSpace: true) : ""
            return (name, value)
        }
    }

    /// Every value of the query parameter `name`, in order.
    public func queryValues(_ name: String) -> [String] {
        queryItems.filter { $0.name == name }.map(\.value)
    }

    /// The first value of the query parameter `name`.
    public func queryValue(_ name: String) -> String? {
        queryItems.first { $0.name == name }?.value
    }

    /// Whether the method changes state (anything but GET/HEAD/OPTIONS).
    public var isMutation: Bool { !["GET", "HEAD", "OPTIONS"].contains(method) }

    /// The body as text (invalid UTF-8 repaired), or `nil` when empty.
    public var bodyText: String? { body.isEmpty ? nil : String(decoding: body, as: UTF8.self) }

    /// `text` with `%XX` escapes decoded (and `+` as a space when `plusAsSpace`, as in
    /// form-encoded queries); malformed escapes are kept as they are.
    public static func percentDecode(_ text: some StringProtocol, plusAsSpace: Bool = false) -> String {
        var bytes: [UInt8] = []
        var utf8 = Array(text.utf8)[...]
        while let byte = utf8.popFirst() {
            if plusAsSpace, byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"), utf8.count >= 2,
                let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// A response a fake vendor server sends.
public struct FakeHTTPResponse: Sendable, Hashable {
    /// The HTTP status to send.
    public var status: Int
    /// Header fields, names lowercased for requests.
    public var headers: [String: String]
    /// The body bytes.
    public var body: [UInt8]

    public init(status: Int, headers: [String: String] = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON response with `Content-Type: application/json`.
    public static func json(_ status: Int, _ text: String, headers: [String: String] = [:]) -> FakeHTTPResponse {
        var headers = headers
        headers["Content-Type"] = "application/json"
        return FakeHTTPResponse(status: status, headers: headers, body: Array(text.utf8))
    }
}
