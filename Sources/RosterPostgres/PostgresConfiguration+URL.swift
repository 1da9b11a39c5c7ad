import Foundation

extension PostgresConfiguration {
    /// A configuration from a `postgresql://` or `postgres://` URL:
    ///
    /// `postgresql://[user[:password]@][host][:port][,host2[:port2]…][/dbname][?keyword=value&…]`
    ///
    /// - User, password, host, database and query parts are percent-decoded (`s%40cret` is
    ///   `s@cret`); `+` stays a plus sign, as in libpq.
    /// - IPv6 hosts go in brackets (`[::1]:5432`); a host starting with `/` (written `%2F…`) is a
    ///   Unix socket directory. Several comma-separated hosts become libpq's host and port lists.
    /// - Query parameters are libpq keywords (`sslmode`, `application_name`, `connect_timeout`,
    ///   `options`, `target_session_attrs`, …); `ssl=true` means `sslmode=require`.
    ///
    /// - Throws: ``PostgresError/Code/invalidConfiguration`` naming the part that is wrong,
    ///   never the password.
    public init(url: String) throws(PostgresError) {
        var rest = Substring(url)
        guard let schemeEnd = rest.range(of: "://"),
            ["postgresql", "postgres"].contains(rest[..<schemeEnd.lowerBound].lowercased())
        else {
            throw Self.invalidURL("the URL must start with postgresql:// or postgres://")
        }
        rest = rest[schemeEnd.upperBound...]

        var query: Substring = ""
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        var path: Substring?
        if let slash = rest.firstIndex(of: "/") {
            path = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
        }
        var hostList = rest
        var userInfo: Substring?
        if let at = rest.lastIndex(of: "@") {
            userInfo = rest[..<at]
            hostList = rest[rest.index(after: at)...]
        }

        var parameters: [Parameter] = []
        if let userInfo {
            let colon = userInfo.firstIndex(of: ":")
            let user = try Self.percentDecode(userInfo[..<(colon ?? userInfo.endIndex)], part: "user name")
            if !user.isEmpty {
                parameters.append(Parameter(keyword: "user", value: user))
            }
            if let colon {
                let password = try Self.percentDecode(userInfo[userInfo.index(after: colon)...], part: "password")
                parameters.append(Parameter(keyword: "password", value: password))
            }
        }
        parameters += try Self.parseHosts(hostList)
        if let path, !path.isEmpty {
            parameters.append(Parameter(keyword: "dbname", value: try Self.percentDecode(path, part: "database name")))
        }
        for item in query.split(separator: "&", omittingEmptySubsequences: true) {
            let equals = item.firstIndex(of: "=")
            let keyword = try Self.percentDecode(item[..<(equals ?? item.endIndex)], part: "query parameter")
            var value: String?
            if let equals {
                value = try Self.percentDecode(item[item.index(after: equals)...], part: "'\(keyword)'")
            }
            switch (keyword, value) {
            case ("ssl", "true"), ("ssl", "1"):
                parameters.append(Parameter(keyword: "sslmode", value: "require"))
            case (_, let value?):
                parameters.append(Parameter(keyword: keyword, value: value))
            case (_, nil):
                throw Self.invalidURL("query parameter '\(keyword)' has no value")
            }
        }
        try self.init(parameters: parameters)
    }

    /// `host[:port]` items separated by commas, into `host` and `port` lists.
    private static func parseHosts(_ list: Substring) throws(PostgresError) -> [Parameter] {
        guard !list.isEmpty else { return [] }
        var hosts: [String] = []
        var ports: [String] = []
        for item in list.split(separator: ",", omittingEmptySubsequences: false) {
            var host: Substring = item
            var port: Substring?
            if item.hasPrefix("[") {
                guard let close = item.firstIndex(of: "]") else {
                    throw Self.invalidURL("an IPv6 host is missing its closing bracket")
                }
                host = item[item.index(after: item.startIndex)..<close]
                let after = item[item.index(after: close)...]
                if after.hasPrefix(":") {
                    port = after.dropFirst()
                } else if !after.isEmpty {
                    throw Self.invalidURL("unexpected text after an IPv6 host")
                }
            } else if let colon = item.lastIndex(of: ":") {
                host = item[..<colon]
                port = item[item.index(after: colon)...]
            }
            if let port {
                guard let number = Int(port), (1...65_535).contains(number) else {
                    throw Self.invalidURL("port '\(port)' is not a number from 1 to 65535")
                }
            }
            hosts.append(try Self.percentDecode(host, part: "host"))
            ports.append(port.map(String.init) ?? "")
        }
        var parameters: [Parameter] = []
        if hosts.contains(where: { !$0.isEmpty }) {
            parameters.append(Parameter(keyword: "host", value: hosts.joined(separator: ",")))
        }
        if ports.contains(where: { !$0.isEmpty }) {
            parameters.append(Parameter(keyword: "port", value: ports.joined(separator: ",")))
        }
        return parameters
    }

    /// Decodes `%XX` escapes into UTF-8. `part` names what is decoded, for the error.
    static func percentDecode(_ text: Substring, part: String) throws(PostgresError) -> String {
        guard text.contains("%") else { return String(text) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(Self.hexValue), let low = iterator.next().flatMap(Self.hexValue)
            else {
                throw Self.invalidURL("invalid percent-encoding in the \(part)")
            }
            bytes.append(high << 4 | low)
        }
        guard let decoded = String(validating: bytes, as: UTF8.self) else {
            throw Self.invalidURL("the \(part) is not valid UTF-8 after percent-decoding")
        }
        return decoded
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static func invalidURL(_ reason: String) -> PostgresError {
        PostgresError(code: .invalidConfiguration, reason: "invalid PostgreSQL URL: \(reason)")
    }
}
