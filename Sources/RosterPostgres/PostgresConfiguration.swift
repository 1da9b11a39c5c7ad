internal import CLibpq
import Foundation

/// How to connect to PostgreSQL: libpq keyword/value pairs plus Roster's session settings.
///
/// Build it from a URL or a conninfo string; both end up as a list of keyword/value pairs
/// handed to `PQconnectdbParams`, so no value is ever spliced into a connection string:
///
/// ```swift
/// var configuration = try PostgresConfiguration(url: "postgresql://roster:s%40cret@db:5432/roster?sslmode=require")
/// configuration.connectTimeout = .seconds(5)
/// ```
///
/// On top of the given parameters every connection sets `client_encoding=UTF8`,
/// `connect_timeout` from ``connectTimeout``, `application_name` (``applicationName`` unless the
/// parameters name one), TCP keepalives (unless given) and, through the `options` keyword, the
/// ``sessionParameters`` (`TimeZone=UTC`, `DateStyle=ISO`), after any `options` of your own so
/// the wire formats stay pinned.
public struct PostgresConfiguration: Sendable, Hashable, CustomStringConvertible {
    /// One libpq connection keyword (`host`, `sslmode`, …) and its value.
    public struct Parameter: Sendable, Hashable {
        /// The libpq keyword.
        public var keyword: String
        /// Its value, unescaped.
        public var value: String

        /// A keyword/value pair.
        public init(keyword: String, value: String) {
            self.keyword = keyword
            self.value = value
        }
    }

    /// The libpq parameters, in order, as given (without the ones Roster adds on connect).
    public private(set) var parameters: [Parameter]

    /// How long connecting may take (libpq's `connect_timeout`, whole seconds, at least 2).
    /// Default 10 seconds. A `connect_timeout` in the URL or conninfo sets it.
    public var connectTimeout: Duration = .seconds(10)

    /// The `application_name` used when the parameters name none. Default `roster`.
    public var applicationName: String = "roster"

    /// Server settings pinned for every session through the `options` keyword (`-c name=value`).
    /// Default `TimeZone=UTC` and `DateStyle=ISO`.
    public var sessionParameters: [Parameter] = [
        Parameter(keyword: "TimeZone", value: "UTC"),
        Parameter(keyword: "DateStyle", value: "ISO"),
    ]

    /// A configuration from explicit libpq keyword/value pairs.
    ///
    /// - Throws: ``PostgresError/Code/invalidConfiguration`` for a keyword libpq does not know.
    public init(parameters: [Parameter]) throws(PostgresError) {
        self.parameters = []
        for parameter in parameters {
            try self.set(parameter.keyword, to: parameter.value)
        }
    }

    /// A TCP configuration from its parts.
    public init(host: String, port: Int = 5432, user: String, password: String? = nil, database: String) {
        self.parameters = [
            Parameter(keyword: "host", value: host),
            Parameter(keyword: "port", value: String(port)),
            Parameter(keyword: "user", value: user),
            Parameter(keyword: "dbname", value: database),
        ]
        if let password {
            self.parameters.append(Parameter(keyword: "password", value: password))
        }
    }

    /// A configuration from a `key=value` conninfo string (`host=db port=5432 dbname=roster`),
    /// parsed by libpq's own `PQconninfoParse` (quoting and escapes as libpq defines them).
    ///
    /// - Throws: ``PostgresError/Code/invalidConfiguration`` with libpq's reason (never the
    ///   values) when the string does not parse.
    public init(conninfo: String) throws(PostgresError) {
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(conninfo, &errorMessage) else {
            let reason = errorMessage.map { String(cString: $0).trimmingTrailingNewlines() }
            // The error message is malloc'ed by libpq and freed with PQfreemem.
            errorMessage.map { PQfreemem($0) }
            throw PostgresError(
                code: .invalidConfiguration,
                reason: "invalid conninfo string: \(reason ?? "unknown error")"
            )
        }
        // The option array (and its strings) is freed with PQconninfoFree after copying.
        defer { PQconninfoFree(options) }
        self.parameters = []
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val {
                try self.set(String(cString: keyword), to: String(cString: value))
            }
            option += 1
        }
    }

    // MARK: - Parameters

    /// The value of a libpq keyword, if set.
    public subscript(keyword: String) -> String? {
        self.parameters.last { $0.keyword == keyword }?.value
    }

    /// Sets (or, with `nil`, removes) a libpq keyword. `connect_timeout` sets ``connectTimeout``.
    ///
    /// - Throws: ``PostgresError/Code/invalidConfiguration`` for a keyword libpq does not know or
    ///   an invalid `connect_timeout`.
    public mutating func set(_ keyword: String, to value: String?) throws(PostgresError) {
        guard Self.knownKeywords.contains(keyword) else {
            throw PostgresError(code: .invalidConfiguration, reason: "unknown connection parameter '\(keyword)'")
        }
        if keyword == "connect_timeout", let value {
            guard let seconds = Int(value), seconds >= 0 else {
                throw PostgresError(code: .invalidConfiguration, reason: "connect_timeout is not a number of seconds")
            }
            self.connectTimeout = .seconds(seconds)
            return
        }
        self.parameters.removeAll { $0.keyword == keyword }
        if let value {
            self.parameters.append(Parameter(keyword: keyword, value: value))
        }
    }

    /// The keyword/value pairs handed to `PQconnectdbParams`: the parameters plus Roster's own.
    var connectionParameters: [(keyword: String, value: String)] {
        var result = self.parameters.filter { $0.keyword != "options" }.map { (keyword: $0.keyword, value: $0.value) }
        let seconds = max(2, Int((self.connectTimeout + .milliseconds(999)).components.seconds))
        result.append((keyword: "connect_timeout", value: String(seconds)))
        if self["application_name"] == nil {
            result.append((keyword: "application_name", value: self.applicationName))
        }
        for (keyword, value) in [("keepalives_idle", "30"), ("keepalives_interval", "10"), ("keepalives_count", "3")]
        where self[keyword] == nil {
            result.append((keyword: keyword, value: value))
        }
        // Pinned last so that nothing earlier overrides them.
        result.append((keyword: "client_encoding", value: "UTF8"))
        let pinned = self.sessionParameters.map { "-c \(Self.escapeOption($0.keyword))=\(Self.escapeOption($0.value))" }
        let options = ([self["options"]].compactMap { $0 } + pinned).joined(separator: " ")
        if !options.isEmpty {
            result.append((keyword: "options", value: options))
        }
        return result
    }

    /// Escapes a value for libpq's `options` keyword, where spaces separate arguments unless
    /// escaped with a backslash and `\\` is a literal backslash.
    static func escapeOption(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: " ", with: "\\ ")
    }

    /// The keywords this libpq accepts (`PQconndefaults`), plus `host`-style basics if that fails.
    static let knownKeywords: Set<String> = {
        var keywords: Set<String> = ["host", "hostaddr", "port", "dbname", "user", "password", "options"]
        guard let defaults = PQconndefaults() else { return keywords }
        // PQconndefaults allocates the array; PQconninfoFree releases it.
        defer { PQconninfoFree(defaults) }
        var option = defaults
        while let keyword = option.pointee.keyword {
            keywords.insert(String(cString: keyword))
            option += 1
        }
        return keywords
    }()

    /// The parameters with `password` shown as `****`.
    public var description: String {
        let items = self.parameters.map { "\($0.keyword)=\($0.keyword == "password" ? "****" : $0.value)" }
        return "PostgresConfiguration(\(items.joined(separator: " ")))"
    }
}
