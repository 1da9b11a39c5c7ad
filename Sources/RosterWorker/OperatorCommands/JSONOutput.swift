import Foundation
import RosterCore

/// The JSON the read commands print (`--output json`): pretty, keys sorted, every documented key
/// present (`null` when it has no value), so scripts can rely on the shape.
public enum JSONOutput {
    /// `value` as indented JSON text with sorted keys and a trailing newline.
    public static func render(_ value: JSONValue) -> String {
        var out = ""
        write(value, indent: 0, to: &out)
        return out + "\n"
    }

    private static func write(_ value: JSONValue, indent: Int, to out: inout String) {
        let pad = String(repeating: "  ", count: indent + 1)
        let closing = String(repeating: "  ", count: indent)
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let text): out += text
        case .string(let s): writeString(s, to: &out)
        case .array(let items):
            guard !items.isEmpty else {
                out += "[]"
                return
            }
            out += "[\n"
            for (i, item) in items.enumerated() {
                out += pad
                write(item, indent: indent + 1, to: &out)
                out += i == items.count - 1 ? "\n" : ",\n"
            }
            out += closing + "]"
        case .object(let members):
            guard !members.isEmpty else {
                out += "{}"
                return
            }
            out += "{\n"
            let keys = members.keys.sorted()
            for (i, key) in keys.enumerated() {
                out += pad
                writeString(key, to: &out)
                out += ": "
                write(members[key]!, indent: indent + 1, to: &out)
                out += i == keys.count - 1 ? "\n" : ",\n"
            }
            out += closing + "}"
        }
    }

    private static func writeString(_ s: String, to out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}

// MARK: - Building values

extension JSONValue {
    /// A string, or `null`.
    static func text(_ value: String?) -> JSONValue { value.map { JSONValue.string($0) } ?? .null }
    /// An integer, or `null`.
    static func int(_ value: (some BinaryInteger)?) -> JSONValue { value.map { .number(String($0)) } ?? .null }
    /// A number of seconds with millisecond precision, or `null`.
    static func seconds(_ value: Double?) -> JSONValue {
        value.map { .number(String(format: "%.3f", $0)) } ?? .null
    }
    /// An RFC 3339 time, or `null`.
    static func time(_ value: Timestamp?) -> JSONValue { value.map { .string($0.rfc3339) } ?? .null }
    /// An object of strings.
    static func texts(_ value: [String: String]) -> JSONValue { .object(value.mapValues { JSONValue.string($0) }) }
}
