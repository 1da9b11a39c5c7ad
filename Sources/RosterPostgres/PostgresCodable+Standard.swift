// Binary wire formats of the standard library types. One format per type; each conformance's
// doc comment names it.

// MARK: - Helpers

extension PostgresDecodingBuffer {
    /// Reads an integer that must be the whole value.
    mutating func readExactInteger<I: FixedWidthInteger>(as type: I.Type) throws(PostgresDecodingFailure) -> I {
        let size = MemoryLayout<I>.size
        guard self.readableBytes == size, let value = self.readInteger(as: I.self) else {
            throw .malformed("expected \(size) bytes, got \(self.readableBytes)")
        }
        return value
    }

    /// Reads `int2`, `int4` or `int8`, whichever `type` says, widened to `Int64`.
    mutating func readAnyInteger(
        type: PostgresDataType,
        accepting accepted: [PostgresDataType]
    ) throws(PostgresDecodingFailure) -> Int64 {
        guard accepted.contains(type) else {
            throw .typeMismatch(expected: accepted.map(\.name).joined(separator: ", "))
        }
        switch type {
        case .int2:
            return Int64(try self.readExactInteger(as: Int16.self))
        case .int4:
            return Int64(try self.readExactInteger(as: Int32.self))
        default:
            return try self.readExactInteger(as: Int64.self)
        }
    }
}

// MARK: - Text

/// `text` (OID 25): the UTF-8 bytes, no terminator. Decodes `text`, `varchar`, `bpchar`,
/// `name` and `unknown` (the session's `client_encoding` is pinned to UTF8).
extension String: PostgresEncodable, PostgresDecodable {
    /// ``PostgresDataType/text``.
    public static var postgresType: PostgresDataType { .text }

    /// Writes the UTF-8 bytes.
    public func encode(into buffer: inout PostgresEncodingBuffer) {
        buffer.writeString(self)
    }

    /// Reads `text`, `varchar`, `bpchar`, `name` or `unknown`.
    public static func decode(
        from buffer: inout PostgresDecodingBuffer,
        type: PostgresDataType
    ) throws(PostgresDecodingFailure) -> String {
        switch type {
        case .text, .varchar, .bpchar, .name, .unknown:
            let bytes = buffer.readRemainingBytes()
            return String(decoding: bytes, as: UTF8.self)
        default:
            throw .typeMismatch(expected: "text, varchar, bpchar or name")
        }
    }
}

// MARK: - Integers

/// `int8` (OID 20): 8 bytes, big-endian two's complement. Decodes `int2`, `int4` and `int8`.
extension Int64: PostgresEncodable, PostgresDecodable {
    /// ``PostgresDataType/int8``.
    public static var postgresType: PostgresDataType { .int8 }

    /// Writes 8 big-endian bytes.
    public func encode(into buffer: inout PostgresEncodingBuffer) {
        buffer.writeInteger(self)
    }

    /// Reads `int2`, `int4` or `int8`, widening.
    public static func decode(
        from buffer: inout PostgresDecodingBuffer,
        type: PostgresDataType
    ) throws(PostgresDecodingFailure) -> Int64 {
        try buffer.readAnyInteger(type: type, accepting: [.int8, .int4, .int2])
    }
}

/// `int8` (OID 20), like `Int64` (`Int` is 64 bits on every platform Roster runs on).
extension Int: PostgresEncodable, PostgresDecodable {
    /// ``PostgresDataType/int8``.
    public static var postgresType: PostgresDataType { .int8 }

    /// Writes 8 big-endian bytes.
    public func encode(into buffer: inout PostgresEncodingBuffer) {
        buffer.writeInteger(Int64(self))
    }

    /// Reads `int2`, `int4` or `int8`, widening.
    public static func decode(
        from buffer: inout PostgresDecodingBuffer,
        type: PostgresDataType
    ) throws(PostgresDecodingFailure) -> Int {
        Int(try buffer.readAnyInteger(type: type, accepting: [.int8, .int4, .int2]))
    }
}

/// `int4` (OID 23): 4 bytes, big-endian. Decodes `int2` and `int4` (not `int8`: it could overflow).
extension Int32: PostgresEncodable, PostgresDecodable {
    /// ``PostgresDataType/int4``.
    public static var postgresType: PostgresDataType { .int4 }

    /// Writes 4 big-endian bytes.
    public func encode(into buffer: inout PostgresEncodingBuffer) {
        buffer.writeInteger(self)
    }

    /// Reads `int2` or `int4`, widening.
    public static func decode(
        from buffer: inout PostgresDecodingBuffer,
        type: PostgresDataType
    ) throws(PostgresDecodingFailure) -> Int32 {
        Int32(try buffer.readAnyInteger(type: type, accepting: [.int4, .int2]))
    }
}

/// `int2` (OID 21): 2 bytes, big-endian. Decodes `int2` only.
extension Int16: PostgresEncodable, PostgresDecodable {
    /// ``PostgresDataType/int2``.
    public static var postgresType: PostgresDataType { .int2 }

    /// Writes 2 big-endian bytes.
    public func encode(into buffer: inout PostgresEncodingBuffer) {
        buffer.writeInteger(self)
    }

    /// Reads `int2`.
    public static func decode(
        from buffer: inout PostgresDecodingBuffer,
        type: PostgresDataType
    ) throws(PostgresDecodingFailure) -> Int16 {
        Int16(try buffer.readAnyInteger(type: type, accepting: [.int2]))
    }
}

// MARK: - Bool

/// `bool` (OID 16): one byte, 1 for true and 0 for false.
extension Bool: PostgresEncodable, PostgresDecodable {
    /// ``PostgresDataType/bool``.
    public static var postgresType: PostgresDataType { .bool }

    /// Writes 1 or 0.
    public func encode(into buffer: inout PostgresEncodingBuffer) {
        buffer.writeInteger(UInt8(self ? 1 : 0))
    }

    /// Reads `bool`.
    public static func decode(
        from buffer: inout PostgresDecodingBuffer,
        type: PostgresDataType
    ) throws(PostgresDecodingFailure) -> Bool {
        guard type == .bool else { throw .typeMismatch(expected: "bool") }
        return try buffer.readExactInteger(as: UInt8.self) != 0
    }
}

// MARK: - Floating point

/// `float8` (OID 701): the IEEE 754 bit pattern, big-endian. Decodes `float4` and `float8`.
extension Double: PostgresEncodable, PostgresDecodable {
    /// ``PostgresDataType/float8``.
    public static var postgresType: PostgresDataType { .float8 }

    /// Writes the 8-byte bit pattern.
    public func encode(into buffer: inout PostgresEncodingBuffer) {
        buffer.writeInteger(self.bitPattern)
    }

    /// Reads `float8`, or `float4` widened.
    public static func decode(
        from buffer: inout PostgresDecodingBuffer,
        type: PostgresDataType
    ) throws(PostgresDecodingFailure) -> Double {
        switch type {
        case .float8:
            return Double(bitPattern: try buffer.readExactInteger(as: UInt64.self))
        case .float4:
            return Double(Float(bitPattern: try buffer.readExactInteger(as: UInt32.self)))
        default:
            throw .typeMismatch(expected: "float8 or float4 (cast numeric to float8 or text)")
        }
    }
}

/// `float4` (OID 700): the IEEE 754 bit pattern, big-endian. Decodes `float4` only.
extension Float: PostgresEncodable, PostgresDecodable {
    /// ``PostgresDataType/float4``.
    public static var postgresType: PostgresDataType { .float4 }

    /// Writes the 4-byte bit pattern.
    public func encode(into buffer: inout PostgresEncodingBuffer) {
        buffer.writeInteger(self.bitPattern)
    }

    /// Reads `float4`.
    public static func decode(
        from buffer: inout PostgresDecodingBuffer,
        type: PostgresDataType
    ) throws(PostgresDecodingFailure) -> Float {
        guard type == .float4 else { throw .typeMismatch(expected: "float4") }
        return Float(bitPattern: try buffer.readExactInteger(as: UInt32.self))
    }
}
