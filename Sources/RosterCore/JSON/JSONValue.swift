/// A parsed JSON document, as exact as the text it came from.
///
/// Roster parses HR events itself instead of going through `JSONSerialization` so that the
/// validator can tell `true` from `1`, keep integers exact, and report where bad JSON breaks.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    /// A number, kept as its source text so integers stay exact; see ``int64Value`` and ``doubleValue``.
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// The JSON type name used in validation messages ("string", "object", …).
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// The string, or `nil` for any other type.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The object's members, or `nil` for any other type.
    public var objectValue: [String: JSONValue]? {
        if case .object(let o) = self { return o }
        return nil
    }

    /// The array's elements, or `nil` for any other type.
    public var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    /// The number as an exact 64-bit integer, or nil when it has a fraction, an exponent or overflows.
    public var int64Value: Int64? {
        guard case .number(let text) = self else { return nil }
        return Int64(text)
    }

    /// The number as the nearest `Double`, or `nil` for any other type; integers beyond 2^53 lose
    /// precision (``int64Value`` does not).
    public var doubleValue: Double? {
        guard case .number(let text) = self else { return nil }
        return Double(text)
    }

    /// The member `key` of an object; `nil` when it is absent or this is not an object.
    public subscript(key: String) -> JSONValue? {
        objectValue?[key]
    }
}
