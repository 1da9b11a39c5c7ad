/// The email check the event contract applies (the schema's `email` pattern), and normalisation.
public enum EmailAddress {
    /// The address lowercased, or `nil` when it is not `local@domain.tld` with at most 254
    /// characters, a local part of 1–64 characters, no whitespace and exactly one `@`.
    ///
    /// Deliberately permissive beyond that: vendors are the authority on deliverability.
    public static func normalized(_ text: String) -> String? {
        guard text.unicodeScalars.count <= 254 else { return nil }
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        let local = parts[0]
        let domain = parts[1]
        guard !local.isEmpty, local.unicodeScalars.count <= 64 else { return nil }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy({ !$0.isEmpty }) else { return nil }
        guard !text.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 }) else {
            return nil
        }
        return text.lowercased()
    }
}
