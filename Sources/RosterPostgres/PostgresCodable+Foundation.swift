import Foundation

// Binary wire formats of the Foundation types. One format per type; each conformance's doc
// comment names it.

// MARK: - UUID

/// `uuid` (OID 2950): the 16 bytes in RFC 4122 order.
extension UUID: PostgresEncodable, PostgresDecodable {
    /// ``PostgresDataType/uuid``.
    public static var postgresType: PostgresDataType { .uuid }

    /// Writes the 16 bytes.
    public func encode(into buffer: inout PostgresEncodingBuffer) {
        withUnsafeBytes(of: self.uuid) { buffer.writeBytes($0) }
    }

    /// Reads `uuid`.
    public static func decode(
        from buffer: inout PostgresDecodingBuffer,
        type: PostgresDataType
    ) throws(PostgresDecodingFailure) -> UUID {
        guard type == .uuid else { throw .typeMismatch(expected: "uuid") }
        guard buffer.readableBytes == 16, let bytes = buffer.readBytes(count: 16) else {
            throw .malformed("expected 16 bytes, got \(buffer.readableBytes)")
        }
        var value = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)).uuid
        withUnsafeMutableBytes(of: &value) { $0.copyMemory(from: bytes) }
        return UUID(uuid: value)
    }
}

// MARK: - Date

/// `timestamptz` (OID 1184): a big-endian `int64` count of microseconds since
/// 2000-01-01 00:00:00 UTC (the server's `integer_datetimes` format, checked on connect).
/// Encoding rounds to the nearest microsecond.
///
/// Decodes `timestamptz`, `timestamp` (read as UTC, which is what the session's pinned
/// `TimeZone=UTC` makes it) and `date` (midnight UTC). `infinity` and `-infinity` decode as
/// `Date.distantFuture` and `Date.distantPast`.
extension Date: PostgresEncodable, PostgresDecodable {
    /// Seconds from 2000-01-01 (the PostgreSQL epoch) to 2001-01-01 (Foundation's reference date).
    /// Working relative to the reference date keeps the most precision in the `Double`.
    static let postgresEpochToReferenceDate: TimeInterval = 31_622_400

    /// ``PostgresDataType/timestamptz``.
    public static var postgresType: PostgresDataType { .timestamptz }

    /// Writes microseconds since 2000-01-01 UTC.
    public func encode(into buffer: inout PostgresEncodingBuffer) {
        let micros = ((self.timeIntervalSinceReferenceDate + Self.postgresEpochToReferenceDate) * 1_000_000).rounded()
        let clamped = Int64(exactly: micros) ?? (micros < 0 ? Int64.min + 1 : Int64.max - 1)
        buffer.writeInteger(clamped)
    }

    /// Reads `timestamptz`, `timestamp` or `date`.
    public static func decode(
        from buffer: inout PostgresDecodingBuffer,
        type: PostgresDataType
    ) throws(PostgresDecodingFailure) -> Date {
        switch type {
        case .timestamptz, .timestamp:
            let micros = try buffer.readExactInteger(as: Int64.self)
            if micros == .max { return .distantFuture }
            if micros == .min { return .distantPast }
            let seconds = Double(micros / 1_000_000) + Double(micros % 1_000_000) / 1_000_000
            return Date(timeIntervalSinceReferenceDate: seconds - Self.postgresEpochToReferenceDate)
        case .date:
            let days = try buffer.readExactInteger(as: Int32.self)
            if days == .max { return .distantFuture }
            if days == .min { return .distantPast }
            return Date(timeIntervalSinceReferenceDate: Double(days) * 86_400 - Self.postgresEpochToReferenceDate)
        default:
            throw .typeMismatch(expected: "timestamptz, timestamp or date")
        }
    }
}

// MARK: - Data

/// `bytea` (OID 17): the raw bytes.
extension Data: PostgresEncodable, PostgresDecodable {
    /// ``PostgresDataType/bytea``.
    public static var postgresType: PostgresDataType { .bytea }

    /// Writes the bytes.
    public func encode(into buffer: inout PostgresEncodingBuffer) {
        buffer.writeBytes(self)
    }

    /// Reads `bytea`.
    public static func decode(
        from buffer: inout PostgresDecodingBuffer,
        type: PostgresDataType
    ) throws(PostgresDecodingFailure) -> Data {
        guard type == .bytea else { throw .typeMismatch(expected: "bytea") }
        return Data(buffer.readRemainingBytes())
    }
}

// MARK: - Arrays

extension UUID: PostgresArrayElement {
    /// `uuid[]`.
    public static var postgresArrayType: PostgresDataType { .uuidArray }
}

extension Date: PostgresArrayElement {
    /// `timestamptz[]`.
    public static var postgresArrayType: PostgresDataType { .timestamptzArray }
}

extension Data: PostgresArrayElement {
    /// `bytea[]`.
    public static var postgresArrayType: PostgresDataType { .byteaArray }
}
