/// The bytes of one bound parameter in PostgreSQL's binary format (big-endian integers).
public struct PostgresEncodingBuffer: Sendable {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8]

    /// An empty buffer.
    public init() {
        self.bytes = []
    }

    /// The number of bytes written so far.
    public var count: Int {
        self.bytes.count
    }

    /// Appends `value` in network byte order.
    public mutating func writeInteger<I: FixedWidthInteger>(_ value: I) {
        withUnsafeBytes(of: value.bigEndian) { self.bytes.append(contentsOf: $0) }
    }

    /// Appends raw bytes.
    public mutating func writeBytes(_ bytes: some Sequence<UInt8>) {
        self.bytes.append(contentsOf: bytes)
    }

    /// Appends raw bytes.
    public mutating func writeBytes(_ bytes: UnsafeRawBufferPointer) {
        self.bytes.append(contentsOf: bytes)
    }

    /// Appends the UTF-8 bytes of `string`, without a terminator or length.
    public mutating func writeString(_ string: String) {
        self.bytes.append(contentsOf: string.utf8)
    }

    /// Reserves space to be filled later by ``setInteger(_:at:)`` and returns its offset, for
    /// length prefixes that are known only after writing what follows.
    public mutating func reserveInteger<I: FixedWidthInteger>(_ type: I.Type) -> Int {
        let offset = self.bytes.count
        self.writeInteger(I.zero)
        return offset
    }

    /// Overwrites the integer at `offset` (returned by ``reserveInteger(_:)``).
    public mutating func setInteger<I: FixedWidthInteger>(_ value: I, at offset: Int) {
        withUnsafeBytes(of: value.bigEndian) { source in
            for (index, byte) in source.enumerated() {
                self.bytes[offset + index] = byte
            }
        }
    }
}
