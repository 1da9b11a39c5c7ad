/// A fragment of HTML that is safe to send: literal markup written in Swift source, and every
/// interpolated `String` escaped (and scrubbed of anything shaped like an email address by
/// ``Redaction``). Only another `HTML` is interpolated as is.
///
/// ```swift
/// let row: HTML = "<td>\(job.employeeID)</td>"   // escaped
/// let page: HTML = "<main>\(row)</main>"          // nested markup
/// ```
public struct HTML: Sendable, Hashable, ExpressibleByStringInterpolation, CustomStringConvertible {
    /// The markup, ready to send.
    public private(set) var text: String

    /// Markup that is known to be safe (literal, or built by the console).
    public init(unsafeMarkup text: String) {
        self.text = text
    }

    public init(stringLiteral value: String) {
        text = value
    }

    public init(stringInterpolation: Interpolation) {
        text = stringInterpolation.text
    }

    public var description: String { text }

    /// No markup at all.
    public static let empty = HTML(unsafeMarkup: "")

    /// Escapes `value` for text and attribute values (double-quoted) alike.
    public static func escape(_ value: String) -> String {
        let value = Redaction.scrub(value)
        guard value.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }) else {
            return value
        }
        var out = ""
        out.reserveCapacity(value.utf8.count + 16)
        for character in value.unicodeScalars {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    /// `parts` one after the other.
    public static func join(_ parts: some Sequence<HTML>, separator: HTML = .empty) -> HTML {
        HTML(unsafeMarkup: parts.map(\.text).joined(separator: separator.text))
    }

    public static func + (lhs: HTML, rhs: HTML) -> HTML {
        HTML(unsafeMarkup: lhs.text + rhs.text)
    }

    public static func += (lhs: inout HTML, rhs: HTML) {
        lhs.text += rhs.text
    }

    /// Builds the markup: literals as written, values escaped.
    public struct Interpolation: StringInterpolationProtocol, Sendable {
        var text = ""

        public init(literalCapacity: Int, interpolationCount: Int) {
            text.reserveCapacity(literalCapacity + interpolationCount * 16)
        }

        public mutating func appendLiteral(_ literal: String) {
            text += literal
        }

        public mutating func appendInterpolation(_ value: HTML) {
            text += value.text
        }

        public mutating func appendInterpolation(_ value: String) {
            text += HTML.escape(value)
        }

        public mutating func appendInterpolation(_ value: String?) {
            text += HTML.escape(value ?? "")
        }

        public mutating func appendInterpolation(_ value: Substring) {
            text += HTML.escape(String(value))
        }

        public mutating func appendInterpolation<Number: BinaryInteger>(_ value: Number) {
            text += String(value)
        }

        public mutating func appendInterpolation(_ value: Double) {
            text += String(value)
        }
    }
}
