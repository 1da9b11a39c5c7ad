/// The bound parameters of a ``PostgresQuery``: one binary-format value (or `NULL`) and its type
/// per `$n` placeholder.
///
/// Its descriptions print every value as `****`, so it is safe in logs.
public struct PostgresBindings: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// One bound parameter.
    public struct Value: Sendable, Hashable {
        /// The parameter's PostgreSQL type, sent as its OID.
        public var type: PostgresDataType
        /// The binary-format bytes, or `nil` for `NULL`.
        public var bytes: [UInt8]?

        /// A parameter of type `type` with binary-format `bytes` (`nil` for `NULL`).
        public init(type: PostgresDataType, bytes: [UInt8]?) {
            self.type = type
            self.bytes = bytes
        }
    }

    /// The parameters in order: `values[0]` is `$1`.
    public private(set) var values: [Value]

    /// No parameters.
    public init() {
        self.values = []
    }

    /// The number of parameters.
    public var count: Int {
        self.values.count
    }

    /// Appends `value` as the next parameter (`NULL` for `Optional.none`).
    public mutating func append(_ value: some PostgresEncodable) {
        if value.isPostgresNull {
            self.values.append(Value(type: type(of: value).postgresType, bytes: nil))
            return
        }
        var buffer = PostgresEncodingBuffer()
        value.encode(into: &buffer)
        self.values.append(Value(type: type(of: value).postgresType, bytes: buffer.bytes))
    }

    /// Appends every value of `other`, in order (a query fragment spliced into a query).
    public mutating func append(contentsOf other: PostgresBindings) {
        self.values.append(contentsOf: other.values)
    }

    /// Appends a `NULL` parameter of type `type`.
    public mutating func appendNull(type: PostgresDataType) {
        self.values.append(Value(type: type, bytes: nil))
    }

    /// `[****, ****]`: the values are never printed.
    public var description: String {
        "[" + Array(repeating: "****", count: self.values.count).joined(separator: ", ") + "]"
    }

    /// The types only, for example `[text: ****, int8: NULL]`.
    public var debugDescription: String {
        let items = self.values.map { "\($0.type): \($0.bytes == nil ? "NULL" : "****")" }
        return "[" + items.joined(separator: ", ") + "]"
    }
}
