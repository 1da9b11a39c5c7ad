/// Short descriptions of JSON decoding failures for ``VendorError`` messages: the coding path
/// and the kind of problem, never the values (which may be personal data or secrets).
enum DecodingErrorSummary {
    /// `missing data.members`, `wrong type at data.total`, … or `not JSON`.
    static func summary(of error: any Error) -> String {
        guard let error = error as? DecodingError else { return "not JSON" }
        let path: (DecodingError.Context) -> String = { context in
            context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            let prefix = path(context)
            return "missing \(prefix.isEmpty ? "" : prefix + ".")\(key.stringValue)"
        case .typeMismatch(_, let context): return "wrong type at \(path(context))"
        case .valueNotFound(_, let context): return "null at \(path(context))"
        case .dataCorrupted(let context): return "invalid JSON at \(path(context))"
        @unknown default: return "undecodable"
        }
    }
}

/// A JSON identifier that vendors send either as a number or as a string (Confident AI
/// invitation ids are integers, most other ids are strings), kept as text.
struct LenientID: Decodable, Hashable, Sendable {
    /// The id as text (`42`, `clq9z3x1k0001la08f7t3g5p2`).
    var value: String

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int64.self) {
            value = String(number)
        } else {
            value = try container.decode(String.self)
        }
    }
}
