// A vocabulary type (a status, a kind, a decision) binds and decodes as its raw value: declare
// the conformance and these defaults do the rest, so SQL takes `\(JobStatus.queued)` as a
// parameter instead of a `'queued'` literal repeated across files. (The pattern of postgres-nio's
// `RawRepresentable+PostgresCodable.swift`.)

extension PostgresEncodable where Self: RawRepresentable, RawValue: PostgresEncodable {
    /// The raw value's type.
    public static var postgresType: PostgresDataType { RawValue.postgresType }

    /// Writes the raw value.
    public func encode(into buffer: inout PostgresEncodingBuffer) {
        rawValue.encode(into: &buffer)
    }
}

extension PostgresDecodable where Self: RawRepresentable, RawValue: PostgresDecodable {
    /// Reads the raw value and maps it; a raw value with no case is a decoding failure naming it
    /// (a schema and a build that disagree about a vocabulary must not guess).
    public static func decode(
        from buffer: inout PostgresDecodingBuffer,
        type: PostgresDataType
    ) throws(PostgresDecodingFailure) -> Self {
        let raw = try RawValue.decode(from: &buffer, type: type)
        guard let value = Self(rawValue: raw) else {
            throw .malformed("\(raw) is not a \(Self.self)")
        }
        return value
    }
}

extension PostgresArrayElement where Self: RawRepresentable, RawValue: PostgresArrayElement {
    /// The raw value's array type.
    public static var postgresArrayType: PostgresDataType { RawValue.postgresArrayType }
}
