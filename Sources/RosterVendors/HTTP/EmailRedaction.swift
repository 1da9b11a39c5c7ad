/// Replaces anything that looks like an email address with `<email>`.
///
/// Vendors echo addresses in error messages ("ada@example.com is already a member"); Roster
/// keeps those messages for operators but must not put personal data in logs, metrics or
/// `description`s. The scan is deliberately greedy — over-redacting a word is harmless,
/// leaking an address is not — and also catches the URL-encoded form (`ada%40example.com`).
public enum EmailRedaction {
    /// The placeholder that replaces each address.
    public static let placeholder = "<email>"

    /// `text` with every email-like run replaced by ``placeholder``.
    public static func redact(_ text: String) -> String {
        let chars = Array(text)
        var out = ""
        var emitted = 0  // chars[..<emitted] are already in `out`
        var index = 0
        while index < chars.count {
            let atWidth = atSignWidth(chars, index)
            guard atWidth > 0 else {
                index += 1
                continue
            }
            var start = index
            while start > emitted, isLocalCharacter(chars[start - 1]) { start -= 1 }
            var end = index + atWidth
            while end < chars.count, isDomainCharacter(chars[end]) { end += 1 }
            while end > index + atWidth, chars[end - 1] == "." || chars[end - 1] == "-" { end -= 1 }
            let domain = chars[(index + atWidth)..<end]
            let looksLikeDomain = domain.contains(".") && domain.first != "." && domain.count >= 3
            if start < index, looksLikeDomain {
                out += String(chars[emitted..<start])
                out += placeholder
                emitted = end
                index = end
            } else {
                index += atWidth
            }
        }
        out += String(chars[emitted...])
        return out
    }

    /// 1 for `@`, 3 for `%40`, 0 otherwise.
    private static func atSignWidth(_ chars: [Character], _ index: Int) -> Int {
        if chars[index] == "@" { return 1 }
        if chars[index] == "%", index + 2 < chars.count, chars[index + 1] == "4", chars[index + 2] == "0" {
            return 3
        }
        return 0
    }

    private static func isLocalCharacter(_ c: Character) -> Bool {
        if c.isLetter || c.isNumber { return true }
        // RFC 5322 also allows `/`, `=` and `?`, but they delimit paths and query strings in the
        // messages vendors echo, so they end the scan instead.
        return "._%+-'!#$&*^`{|}~".contains(c)
    }

    private static func isDomainCharacter(_ c: Character) -> Bool {
        c.isLetter || c.isNumber || c == "." || c == "-"
    }
}
