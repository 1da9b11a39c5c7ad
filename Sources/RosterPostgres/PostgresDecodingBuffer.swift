/// A read cursor over the binary-format bytes of one result column value.
///
/// - Important: it points into libpq's result memory and is valid only during the
///   ``PostgresDecodable/decode(from:type:)`` call it is given to. Do not escape it; copy what
///   you need (``readArray(count:)``, ``readString(count:)``).
public struct PostgresDecodingBuffer {
    private let base: UnsafeRawBufferPointer
    private var offset: Int

    /// Wraps `bytes`; valid only while `bytes` is.
    init(_ bytes: UnsafeRawBufferPointer) {
        self.base = bytes
        self.offset = 0
    }

    /// The number of bytes not read yet.
    public var readableBytes: Int {
        self.base.count - self.offset
    }

    /// Reads a big-endian integer, or returns `nil` (reading nothing) when too few bytes remain.
    public mutating func readInteger<I: FixedWidthInteger>(as type: I.Type = I.self) -> I? {
        let size = MemoryLayout<I>.size
        guard self.readableBytes >= size else { return nil }
        let value = self.base.loadUnaligned(fromByteOffset: self.offset, as: I.self)
        self.offset += size
        return I(bigEndian: value)
    }

    /// Reads `count` bytes as a view into the result (same lifetime rules as the buffer), or
    /// returns `nil` (reading nothing) when too few bytes remain.
    public mutating func readBytes(count: Int) -> UnsafeRawBufferPointer? {
        guard count >= 0, self.readableBytes >= count else { return nil }
        let slice = UnsafeRawBufferPointer(rebasing: self.base[self.offset..<(self.offset + count)])
        self.offset += count
        return slice
    }

    /// Reads `count` bytes into a new array, or returns `nil` when too few bytes remain.
    public mutating func readArray(count: Int) -> [UInt8]? {
        self.readBytes(count: count).map { Array($0) }
    }

    /// Reads `count` bytes as UTF-8 (invalid sequences are repaired with U+FFFD), or returns `nil`
    /// when too few bytes remain.
    public mutating func readString(count: Int) -> String? {
        self.readBytes(count: count).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Reads everything that remains.
    public mutating func readRemainingBytes() -> UnsafeRawBufferPointer {
        self.readBytes(count: self.readableBytes) ?? UnsafeRawBufferPointer(start: nil, count: 0)
    }

    /// Splits off the next `count` bytes as a buffer of their own (for array elements).
    public mutating func readSlice(count: Int) -> PostgresDecodingBuffer? {
        self.readBytes(count: count).map { PostgresDecodingBuffer($0) }
    }
}
