/// A SQL statement with bound parameters, built by string interpolation.
///
/// Every interpolated ``PostgresEncodable`` value becomes a `$n` placeholder and is sent
/// separately in binary format, so values can never change the statement:
///
/// ```swift
/// let query: PostgresQuery = "SELECT id FROM jobs WHERE employee_id = \(employeeID) AND status = \(status)"
/// // sql: SELECT id FROM jobs WHERE employee_id = $1 AND status = $2
/// ```
///
/// Two explicit escape hatches splice text into the SQL itself:
/// - `\(identifier: name)` quotes an identifier (`"my ""table"""`), safe for any string;
/// - `\(unescaped: sql)` splices raw SQL. Use it only with text the program wrote itself.
///
/// ``description`` prints the SQL with every bound value as `****`.
///
/// - Important: a statement may bind at most 65,535 parameters (the protocol's limit); running a
///   query with more throws ``PostgresError/Code/tooManyParameters``. Bind arrays instead
///   (``PostgresArrayElement``).
public struct PostgresQuery: Sendable, Hashable, ExpressibleByStringInterpolation, CustomStringConvertible,
    CustomDebugStringConvertible
{
    /// The most parameters one statement can bind.
    public static let maximumParameterCount = Int(UInt16.max)

    /// The SQL text with `$1`, `$2`, … placeholders.
    public var sql: String
    /// The values of the placeholders.
    public var binds: PostgresBindings

    /// A query from SQL text that the program wrote itself, with already encoded parameters.
    ///
    /// - Important: never build `sql` from input; interpolate values into a ``PostgresQuery`` instead.
    public init(unsafeSQL sql: String, binds: PostgresBindings = PostgresBindings()) {
        self.sql = sql
        self.binds = binds
    }

    /// A query without parameters.
    public init(stringLiteral value: String) {
        self.sql = value
        self.binds = PostgresBindings()
    }

    /// A query built by interpolation.
    public init(stringInterpolation: StringInterpolation) {
        self.sql = stringInterpolation.sql
        self.binds = stringInterpolation.binds
    }

    /// The SQL text followed by its binds as `****`, for example
    /// `SELECT $1::text [****]`. Never contains bound values.
    public var description: String {
        if self.binds.count == 0 {
            return self.sql
        }
        return "\(self.sql) \(self.binds)"
    }

    /// Like ``description``, with each bind's type: `SELECT $1 [text: ****]`.
    public var debugDescription: String {
        "PostgresQuery(sql: \(String(reflecting: self.sql)), binds: \(self.binds.debugDescription))"
    }

    /// Throws ``PostgresError/Code/tooManyParameters`` above ``maximumParameterCount``.
    func validate(file: String = #fileID, line: Int = #line) throws(PostgresError) {
        guard self.binds.count <= Self.maximumParameterCount else {
            throw PostgresError(
                code: .tooManyParameters,
                reason:
                    "\(self.binds.count) parameters bound, at most \(Self.maximumParameterCount) allowed; bind arrays",
                query: self,
                file: file,
                line: line
            )
        }
    }

    /// `sql` with each `$n` placeholder outside quotes and comments raised by `offset`.
    static func renumberingPlaceholders(in sql: String, by offset: Int) -> String {
        guard offset > 0 else { return sql }
        var result = ""
        result.reserveCapacity(sql.utf8.count + 8)
        var quote: Character?
        var index = sql.startIndex
        while index < sql.endIndex {
            let character = sql[index]
            if let open = quote {
                if character == open { quote = nil }
                result.append(character)
                index = sql.index(after: index)
                continue
            }
            if character == "'" || character == "\"" {
                quote = character
            } else if sql[index...].hasPrefix("--") {
                // A line comment, to its end, as it is.
                let end = sql[index...].firstIndex(of: "\n") ?? sql.endIndex
                result += sql[index..<end]
                index = end
                continue
            } else if sql[index...].hasPrefix("/*") {
                // A block comment (not nested), to its end, as it is.
                var end = sql.index(index, offsetBy: 2)
                while end < sql.endIndex, !sql[end...].hasPrefix("*/") { end = sql.index(after: end) }
                end = end < sql.endIndex ? sql.index(end, offsetBy: 2) : end
                result += sql[index..<end]
                index = end
                continue
            } else if character == "$" {
                let digitsStart = sql.index(after: index)
                var digitsEnd = digitsStart
                while digitsEnd < sql.endIndex, sql[digitsEnd].isASCII, sql[digitsEnd].isNumber {
                    digitsEnd = sql.index(after: digitsEnd)
                }
                if digitsEnd > digitsStart, let number = Int(sql[digitsStart..<digitsEnd]) {
                    result.append("$\(number + offset)")
                    index = digitsEnd
                    continue
                }
            }
            result.append(character)
            index = sql.index(after: index)
        }
        return result
    }

    // MARK: - Interpolation

    /// Collects SQL text and parameters for ``PostgresQuery``.
    public struct StringInterpolation: StringInterpolationProtocol, Sendable {
        /// The SQL text so far.
        public private(set) var sql: String
        /// The parameters so far.
        public private(set) var binds: PostgresBindings

        /// Starts an empty statement.
        public init(literalCapacity: Int, interpolationCount: Int) {
            self.sql = ""
            self.sql.reserveCapacity(literalCapacity + interpolationCount * 3)
            self.binds = PostgresBindings()
        }

        /// Appends SQL text written in the literal.
        public mutating func appendLiteral(_ literal: String) {
            self.sql.append(literal)
        }

        /// Binds `value` as the next `$n` parameter (`NULL` for `nil`).
        public mutating func appendInterpolation(_ value: some PostgresEncodable) {
            self.binds.append(value)
            self.sql.append("$\(self.binds.count)")
        }

        /// Binds `value` as the next `$n` parameter, `NULL` when `nil`. (This overload keeps the
        /// compiler from warning about interpolating an optional.)
        public mutating func appendInterpolation<Value: PostgresEncodable>(_ value: Value?) {
            self.binds.append(value)
            self.sql.append("$\(self.binds.count)")
        }

        /// Splices `fragment` (itself built by interpolation) with its values: its `$n`
        /// placeholders are renumbered after this query's, so a condition written once, such
        /// as a vocabulary test, is shared by queries without repeating its words as literals.
        ///
        /// - Important: Placeholders inside quoted text or identifiers are left alone; anywhere
        ///   else a `$` followed by digits in the fragment is taken for a placeholder.
        public mutating func appendInterpolation(fragment: PostgresQuery) {
            let offset = self.binds.count
            self.sql.append(PostgresQuery.renumberingPlaceholders(in: fragment.sql, by: offset))
            self.binds.append(contentsOf: fragment.binds)
        }

        /// Splices `sql` into the statement as is.
        ///
        /// - Important: only for SQL the program wrote itself, never for input.
        public mutating func appendInterpolation(unescaped sql: String) {
            self.sql.append(sql)
        }

        /// Splices `name` as a quoted identifier: wrapped in double quotes, with double quotes
        /// doubled, so any string names exactly one identifier (case preserved).
        public mutating func appendInterpolation(identifier name: String) {
            self.sql.append(PostgresQuery.quoteIdentifier(name))
        }
    }

    /// `"name"` with embedded double quotes doubled (`a"b` → `"a""b"`). NUL characters, which
    /// PostgreSQL cannot store in identifiers, are removed.
    public static func quoteIdentifier(_ name: String) -> String {
        var quoted = "\""
        for character in name.unicodeScalars where character != "\0" {
            if character == "\"" {
                quoted.append("\"\"")
            } else {
                quoted.unicodeScalars.append(character)
            }
        }
        quoted.append("\"")
        return quoted
    }
}
