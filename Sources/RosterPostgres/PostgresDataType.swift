/// A PostgreSQL type, identified by its OID (`pg_type.oid`).
///
/// The built-in types have fixed OIDs (from `pg_type.dat`); types created with `CREATE TYPE`
/// or by extensions (such as `citext`) have per-database OIDs and show up here with only
/// their number.
public struct PostgresDataType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The type's OID.
    public let rawValue: UInt32

    /// Wraps an OID.
    public init(rawValue: UInt32) {
        self.rawValue = rawValue
    }

    /// Wraps an OID.
    public init(_ rawValue: UInt32) {
        self.rawValue = rawValue
    }

    /// `bool` (OID 16).
    public static let bool = PostgresDataType(16)
    /// `bytea` (OID 17).
    public static let bytea = PostgresDataType(17)
    /// `char` (OID 18).
    public static let char = PostgresDataType(18)
    /// `name` (OID 19).
    public static let name = PostgresDataType(19)
    /// `int8` (OID 20).
    public static let int8 = PostgresDataType(20)
    /// `int2` (OID 21).
    public static let int2 = PostgresDataType(21)
    /// `int4` (OID 23).
    public static let int4 = PostgresDataType(23)
    /// `text` (OID 25).
    public static let text = PostgresDataType(25)
    /// `oid` (OID 26).
    public static let oid = PostgresDataType(26)
    /// `json` (OID 114).
    public static let json = PostgresDataType(114)
    /// `json[]` (OID 199).
    public static let jsonArray = PostgresDataType(199)
    /// `float4` (OID 700).
    public static let float4 = PostgresDataType(700)
    /// `float8` (OID 701).
    public static let float8 = PostgresDataType(701)
    /// `unknown` (OID 705).
    public static let unknown = PostgresDataType(705)
    /// `bool[]` (OID 1000).
    public static let boolArray = PostgresDataType(1000)
    /// `bytea[]` (OID 1001).
    public static let byteaArray = PostgresDataType(1001)
    /// `name[]` (OID 1003).
    public static let nameArray = PostgresDataType(1003)
    /// `int2[]` (OID 1005).
    public static let int2Array = PostgresDataType(1005)
    /// `int4[]` (OID 1007).
    public static let int4Array = PostgresDataType(1007)
    /// `text[]` (OID 1009).
    public static let textArray = PostgresDataType(1009)
    /// `bpchar[]` (OID 1014).
    public static let bpcharArray = PostgresDataType(1014)
    /// `varchar[]` (OID 1015).
    public static let varcharArray = PostgresDataType(1015)
    /// `int8[]` (OID 1016).
    public static let int8Array = PostgresDataType(1016)
    /// `float4[]` (OID 1021).
    public static let float4Array = PostgresDataType(1021)
    /// `float8[]` (OID 1022).
    public static let float8Array = PostgresDataType(1022)
    /// `bpchar` (OID 1042).
    public static let bpchar = PostgresDataType(1042)
    /// `varchar` (OID 1043).
    public static let varchar = PostgresDataType(1043)
    /// `date` (OID 1082).
    public static let date = PostgresDataType(1082)
    /// `timestamp` (OID 1114).
    public static let timestamp = PostgresDataType(1114)
    /// `timestamp[]` (OID 1115).
    public static let timestampArray = PostgresDataType(1115)
    /// `timestamptz` (OID 1184).
    public static let timestamptz = PostgresDataType(1184)
    /// `interval` (OID 1186).
    public static let interval = PostgresDataType(1186)
    /// `timestamptz[]` (OID 1185).
    public static let timestamptzArray = PostgresDataType(1185)
    /// `numeric` (OID 1700).
    public static let numeric = PostgresDataType(1700)
    /// `uuid` (OID 2950).
    public static let uuid = PostgresDataType(2950)
    /// `uuid[]` (OID 2951).
    public static let uuidArray = PostgresDataType(2951)
    /// `jsonb` (OID 3802).
    public static let jsonb = PostgresDataType(3802)
    /// `jsonb[]` (OID 3807).
    public static let jsonbArray = PostgresDataType(3807)

    /// The type's SQL name for the built-in types this library knows (`int8`, `text[]`), else
    /// `oid 12345`.
    public var name: String {
        Self.names[self.rawValue] ?? "oid \(self.rawValue)"
    }

    /// The type's ``name``.
    public var description: String {
        self.name
    }

    private static let names: [UInt32: String] = [
        16: "bool", 17: "bytea", 18: "char", 19: "name", 20: "int8", 21: "int2", 23: "int4", 25: "text",
        26: "oid", 114: "json", 199: "json[]", 700: "float4", 701: "float8", 705: "unknown",
        1000: "bool[]", 1001: "bytea[]", 1003: "name[]", 1005: "int2[]", 1007: "int4[]", 1009: "text[]",
        1014: "bpchar[]", 1015: "varchar[]", 1016: "int8[]", 1021: "float4[]", 1022: "float8[]",
        1042: "bpchar", 1043: "varchar", 1082: "date", 1114: "timestamp", 1115: "timestamp[]",
        1184: "timestamptz", 1185: "timestamptz[]", 1186: "interval", 1700: "numeric", 2950: "uuid", 2951: "uuid[]",
        3802: "jsonb", 3807: "jsonb[]",
    ]
}
