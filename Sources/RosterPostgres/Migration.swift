/// One schema change, applied once by a ``Migrator`` and recorded in `schema_migrations`.
///
/// The SQL may hold several statements; it runs inside the migrator's transaction, so it must
/// not contain `BEGIN`/`COMMIT` or statements that cannot run in a transaction
/// (`CREATE INDEX CONCURRENTLY`, `VACUUM`).
public struct Migration: Sendable, Hashable, CustomStringConvertible {
    /// The version, from 1 upwards without gaps; migrations apply in version order.
    public var version: Int
    /// A short name, for logs and `schema_migrations.name`.
    public var name: String
    /// The SQL text.
    public var sql: String

    /// A migration.
    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }

    /// A stable fingerprint of ``sql`` (`fnv1a64:` and 16 hex digits, over the UTF-8 text with
    /// CRLF line ends read as LF), recorded when the migration is applied. A migration whose SQL
    /// changed after it was applied fails ``Migrator/migrate(_:)`` instead of silently diverging.
    public var checksum: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        var previous: UInt8 = 0
        for byte in self.sql.utf8 {
            defer { previous = byte }
            if byte == UInt8(ascii: "\n") && previous == UInt8(ascii: "\r") {
                continue  // "\r\n" was hashed as "\n" when the "\r" came
            }
            hash = (hash ^ UInt64(byte == UInt8(ascii: "\r") ? UInt8(ascii: "\n") : byte)) &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return "fnv1a64:" + String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// `0003_add_jobs`.
    public var description: String {
        let number = String(self.version)
        return String(repeating: "0", count: max(0, 4 - number.count)) + number + "_" + self.name
    }
}
