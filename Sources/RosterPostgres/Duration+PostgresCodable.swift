/// `interval` (OID 1186): a big-endian `int64` of microseconds, an `int32` of days and an `int32`
/// of months.
///
/// A day counts 86 400 s, as `extract(epoch FROM interval)` counts it (the difference of two
/// `timestamptz` values has a days part past 24 hours). An interval with months has no fixed
/// length and fails to decode. Encoding rounds to whole microseconds (the column's resolution),
/// towards zero, and writes no days or months.
extension Duration: PostgresEncodable, PostgresDecodable {
    /// ``PostgresDataType/interval``.
    public static var postgresType: PostgresDataType { .interval }

    /// Writes microseconds, 0 days, 0 months.
    public func encode(into buffer: inout PostgresEncodingBuffer) {
        let (seconds, attoseconds) = self.components
        let (micros, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000)
        let clamped =
            overflow ? (seconds < 0 ? Int64.min + 1 : Int64.max - 1) : micros &+ attoseconds / 1_000_000_000_000
        buffer.writeInteger(clamped)
        buffer.writeInteger(Int32(0))
        buffer.writeInteger(Int32(0))
    }

    /// Reads `interval`.
    public static func decode(
        from buffer: inout PostgresDecodingBuffer,
        type: PostgresDataType
    ) throws(PostgresDecodingFailure) -> Duration {
        guard type == .interval else { throw .typeMismatch(expected: "interval") }
        guard buffer.readableBytes == 16,
            let micros = buffer.readInteger(as: Int64.self),
            let days = buffer.readInteger(as: Int32.self),
            let months = buffer.readInteger(as: Int32.self)
        else {
            throw .malformed("expected 16 bytes, got \(buffer.readableBytes)")
        }
        guard months == 0 else { throw .malformed("an interval of \(months) month(s) has no fixed length") }
        return .microseconds(micros) + .seconds(Int64(days) * 86_400)
    }
}
