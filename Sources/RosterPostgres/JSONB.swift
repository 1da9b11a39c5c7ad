import Foundation

/// A JSON document as raw UTF-8 bytes, sent as `jsonb`.
///
/// Wire format: `jsonb` (OID 3802), binary format version byte `1` followed by the JSON text.
/// Decodes `jsonb` (checking the version byte) and `json` (OID 114, the plain text). The bytes
/// are not validated on the client; the server rejects invalid JSON with SQLSTATE 22P02.
///
/// ```swift
/// let payload = try JSONB(encoding: event)           // Codable → jsonb
/// try await pool.execute("INSERT INTO inbox (payload) VALUES (\(payload))")
/// let event = try row.decode(JSONB.self, at: 0).decode(HREvent.self)
/// ```
public struct JSONB: Sendable, Hashable, CustomStringConvertible {
    /// The JSON text's UTF-8 bytes.
    public var bytes: [UInt8]

    /// Wraps JSON text given as UTF-8 bytes.
    public init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Wraps JSON text given as UTF-8 bytes.
    public init(data: Data) {
        self.bytes = Array(data)
    }

    /// Wraps JSON text.
    public init(text: String) {
        self.bytes = Array(text.utf8)
    }

    /// Encodes `value` with `encoder` (a default `JSONEncoder` unless given).
    ///
    /// - Throws: What `JSONEncoder.encode(_:)` throws.
    public init(encoding value: some Encodable, encoder: JSONEncoder = JSONEncoder()) throws {
        self.bytes = Array(try encoder.encode(value))
    }

    /// The JSON text's bytes as `Data`.
    public var data: Data {
        Data(self.bytes)
    }

    /// The JSON text.
    public var text: String {
        String(decoding: self.bytes, as: UTF8.self)
    }

    /// Decodes the document as `type` with `decoder` (a default `JSONDecoder` unless given).
    ///
    /// - Throws: What `JSONDecoder.decode(_:from:)` throws.
    public func decode<T: Decodable>(_ type: T.Type, decoder: JSONDecoder = JSONDecoder()) throws -> T {
        try decoder.decode(T.self, from: self.data)
    }

    /// Only the size: the document may contain personal data.
    public var description: String {
        "JSONB(\(self.bytes.count) bytes)"
    }
}

extension JSONB: PostgresEncodable, PostgresDecodable {
    /// The `jsonb` binary format's version byte.
    static let binaryVersion: UInt8 = 1

    /// ``PostgresDataType/jsonb``.
    public static var postgresType: PostgresDataType { .jsonb }

    /// Writes the version byte `1` and the JSON text.
    public func encode(into buffer: inout PostgresEncodingBuffer) {
        buffer.writeInteger(Self.binaryVersion)
        buffer.writeBytes(self.bytes)
    }

    /// Reads `jsonb` (version 1) or `json`.
    public static func decode(
        from buffer: inout PostgresDecodingBuffer,
        type: PostgresDataType
    ) throws(PostgresDecodingFailure) -> JSONB {
        switch type {
        case .jsonb:
            guard let version = buffer.readInteger(as: UInt8.self) else {
                throw .malformed("empty jsonb value")
            }
            guard version == Self.binaryVersion else {
                throw .malformed("unsupported jsonb format version \(version)")
            }
            return JSONB(bytes: Array(buffer.readRemainingBytes()))
        case .json:
            return JSONB(bytes: Array(buffer.readRemainingBytes()))
        default:
            throw .typeMismatch(expected: "jsonb or json")
        }
    }
}
