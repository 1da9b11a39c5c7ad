/// A type whose Swift arrays are sent as one-dimensional PostgreSQL arrays.
///
/// Wire format of `[Element]` (`array_send`): `int32` number of dimensions (1, or 0 for an
/// empty array), `int32` has-nulls flag, `int32` element type OID, then per dimension `int32`
/// length and `int32` lower bound (1), then per element an `int32` byte length (`-1` for `NULL`)
/// and the element's own binary format.
///
/// Arrays make bulk statements one round trip:
///
/// ```swift
/// try await pool.execute("""
///     INSERT INTO employees (id, email)
///     SELECT * FROM unnest(\(ids)::text[], \(emails)::text[])
///     """)
/// ```
///
/// `Optional` elements (`[String?]`) send and accept `NULL` elements. Decoding accepts any
/// one-dimensional (or empty) array whose element type `Element` decodes, so `varchar[]`
/// decodes as `[String]`.
public protocol PostgresArrayElement: PostgresEncodable, PostgresDecodable {
    /// The OID of the array type (`text[]` for `String`).
    static var postgresArrayType: PostgresDataType { get }
}

extension String: PostgresArrayElement {
    /// `text[]`.
    public static var postgresArrayType: PostgresDataType { .textArray }
}

extension Int64: PostgresArrayElement {
    /// `int8[]`.
    public static var postgresArrayType: PostgresDataType { .int8Array }
}

extension Int: PostgresArrayElement {
    /// `int8[]`.
    public static var postgresArrayType: PostgresDataType { .int8Array }
}

extension Int32: PostgresArrayElement {
    /// `int4[]`.
    public static var postgresArrayType: PostgresDataType { .int4Array }
}

extension Int16: PostgresArrayElement {
    /// `int2[]`.
    public static var postgresArrayType: PostgresDataType { .int2Array }
}

extension Bool: PostgresArrayElement {
    /// `bool[]`.
    public static var postgresArrayType: PostgresDataType { .boolArray }
}

extension Double: PostgresArrayElement {
    /// `float8[]`.
    public static var postgresArrayType: PostgresDataType { .float8Array }
}

extension Float: PostgresArrayElement {
    /// `float4[]`.
    public static var postgresArrayType: PostgresDataType { .float4Array }
}

extension JSONB: PostgresArrayElement {
    /// `jsonb[]`.
    public static var postgresArrayType: PostgresDataType { .jsonbArray }
}

extension Optional: PostgresArrayElement where Wrapped: PostgresArrayElement {
    /// The wrapped type's array type; `nil` elements are sent as `NULL`.
    public static var postgresArrayType: PostgresDataType {
        Wrapped.postgresArrayType
    }
}

// MARK: - Array

/// One-dimensional PostgreSQL arrays; see ``PostgresArrayElement`` for the wire format.
extension Array: PostgresEncodable where Element: PostgresArrayElement {
    /// `Element.postgresArrayType`.
    public static var postgresType: PostgresDataType {
        Element.postgresArrayType
    }

    /// Writes the array header and the length-prefixed elements.
    public func encode(into buffer: inout PostgresEncodingBuffer) {
        let hasNulls = self.contains { $0.isPostgresNull }
        buffer.writeInteger(Int32(self.isEmpty ? 0 : 1))
        buffer.writeInteger(Int32(hasNulls ? 1 : 0))
        buffer.writeInteger(Element.postgresType.rawValue)
        if self.isEmpty {
            return
        }
        buffer.writeInteger(Int32(self.count))
        buffer.writeInteger(Int32(1))
        for element in self {
            if element.isPostgresNull {
                buffer.writeInteger(Int32(-1))
                continue
            }
            let lengthOffset = buffer.reserveInteger(Int32.self)
            let start = buffer.count
            element.encode(into: &buffer)
            buffer.setInteger(Int32(buffer.count - start), at: lengthOffset)
        }
    }
}

extension Array: PostgresDecodable where Element: PostgresArrayElement {
    /// The array types whose header this decoder reads; the element type is checked by `Element`.
    private static var knownArrayTypes: Set<PostgresDataType> {
        [
            .boolArray, .byteaArray, .nameArray, .int2Array, .int4Array, .textArray, .bpcharArray,
            .varcharArray, .int8Array, .float4Array, .float8Array, .timestampArray, .timestamptzArray,
            .uuidArray, .jsonbArray, .jsonArray, Element.postgresArrayType,
        ]
    }

    /// Reads a one-dimensional or empty array whose elements `Element` decodes.
    public static func decode(
        from buffer: inout PostgresDecodingBuffer,
        type: PostgresDataType
    ) throws(PostgresDecodingFailure) -> [Element] {
        guard Self.knownArrayTypes.contains(type) else {
            throw .typeMismatch(expected: "\(Element.postgresArrayType.name) or a compatible array")
        }
        guard let dimensions = buffer.readInteger(as: Int32.self),
            buffer.readInteger(as: Int32.self) != nil,  // has-nulls flag: NULLs are seen per element
            let elementOID = buffer.readInteger(as: UInt32.self)
        else {
            throw .malformed("truncated array header")
        }
        if dimensions == 0 {
            return []
        }
        guard dimensions == 1 else {
            throw .malformed("\(dimensions)-dimensional array (only one dimension is supported)")
        }
        guard let count = buffer.readInteger(as: Int32.self), count >= 0,
            buffer.readInteger(as: Int32.self) != nil  // lower bound
        else {
            throw .malformed("truncated array dimensions")
        }
        let elementType = PostgresDataType(elementOID)
        var elements: [Element] = []
        elements.reserveCapacity(Int(count))
        for index in 0..<Int(count) {
            guard let length = buffer.readInteger(as: Int32.self) else {
                throw .malformed("truncated array at element \(index)")
            }
            if length < 0 {
                elements.append(try Element.decodeNull())
                continue
            }
            guard var slice = buffer.readSlice(count: Int(length)) else {
                throw .malformed("truncated array at element \(index)")
            }
            elements.append(try Element.decode(from: &slice, type: elementType))
        }
        return elements
    }
}
