/// A lenient reader of HTTP structured-field lists (RFC 8941) as rate-limit headers use them:
/// `"default";q=100;w=60, "daily";q=1000;w=86400` or `10, 10;w=1`. Items are split on commas
/// outside quoted strings; each has a bare value (quotes removed) and `;key=value` parameters
/// (keys lower-cased, values unquoted). Malformed pieces are kept as text for the caller to
/// reject; nothing here fails.
enum StructuredList {
    /// One list member.
    struct Item: Sendable, Hashable {
        /// The bare item, quotes removed (`default`, `100`).
        var value: String
        /// Parameters by lower-cased key; a key without `=` maps to `"?1"` (true).
        var parameters: [String: String]
    }

    /// The members of `field`, in order; at most 32 (a header is not a place for more).
    static func items(_ field: String) -> [Item] {
        split(field, on: ",").prefix(32).compactMap { member in
            let parts = split(member, on: ";")
            guard let first = parts.first else { return nil }
            var parameters: [String: String] = [:]
            for part in parts.dropFirst() {
                let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
                guard let key = pair.first?.trimmingWhitespace.lowercased(), !key.isEmpty else { continue }
                parameters[key] = pair.count == 2 ? unquoted(pair[1]) : "?1"
            }
            return Item(value: unquoted(first), parameters: parameters)
        }
    }

    /// `text` split on `separator` outside double quotes, each piece trimmed; empty pieces dropped.
    private static func split(_ text: String, on separator: Character) -> [String] {
        var pieces: [String] = []
        var current = ""
        var quoted = false
        var escaped = false
        for character in text {
            if escaped {
                escaped = false
            } else if character == "\\" && quoted {
                escaped = true
            } else if character == "\"" {
                quoted.toggle()
            } else if character == separator && !quoted {
                pieces.append(current)
                current = ""
                continue
            }
            current.append(character)
        }
        pieces.append(current)
        return pieces.map(\.trimmingWhitespace).filter { !$0.isEmpty }
    }

    private static func unquoted(_ text: String) -> String {
        let trimmed = text.trimmingWhitespace
        guard trimmed.count >= 2, trimmed.first == "\"", trimmed.last == "\"" else { return trimmed }
        return String(trimmed.dropFirst().dropLast())
    }
}
