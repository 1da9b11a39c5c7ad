/// `host:port` as written in `http.listen` (`[::1]:9464` for IPv6).
public struct ListenAddress: Sendable, Hashable {
    /// Why `http.listen` cannot be used, naming the text given (a setting, never a secret).
    public struct Invalid: Error, Sendable, CustomStringConvertible {
        /// `http.listen must be host:port, got "…"`.
        public var description: String
    }

    /// The host or address to bind; `0.0.0.0` when the text left it empty (`:9464`).
    public var host: String
    /// The port, 0...65535; 0 picks a free one.
    public var port: Int

    /// Parses `host:port`, `[v6-address]:port` or `:port`.
    ///
    /// - Throws: ``Invalid`` without a colon, or with a port that is not a number in 0...65535.
    public init(_ text: String) throws {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65535).contains(port)
        else {
            throw Invalid(description: "http.listen must be host:port, got \"\(text)\"")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host.isEmpty { host = "0.0.0.0" }
        self.host = host
        self.port = port
    }
}
