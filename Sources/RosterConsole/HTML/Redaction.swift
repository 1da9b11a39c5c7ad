/// The last line of the console's "no personal data on screen" rule: every string a page
/// interpolates passes here, and anything shaped like an email address (`local@domain.tld`)
/// becomes `[address removed]`. The readers already return ids only; this catches a vendor error
/// message or an operator's reason that quotes an address.
public enum Redaction {
    /// What replaces an address.
    public static let placeholder = "[address removed]"

    /// `text` with every email-shaped run replaced by ``placeholder``.
    public static func scrub(_ text: String) -> String {
        guard text.utf8.contains(0x40) else { return text }
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var index = 0
        var copied = 0
        while index < scalars.count {
            guard scalars[index] == "@" else {
                index += 1
                continue
            }
            var start = index
            while start > copied, isLocal(scalars[start - 1]) { start -= 1 }
            var end = index + 1
            while end < scalars.count, isDomain(scalars[end]) { end += 1 }
            // Trailing dots belong to the sentence, not the domain.
            while end > index + 1, scalars[end - 1] == "." { end -= 1 }
            let domain = scalars[(index + 1)..<end]
            if start < index, domain.contains("."), domain.first != "." {
                out.append(contentsOf: scalars[copied..<start])
                out.append(contentsOf: placeholder.unicodeScalars)
                copied = end
                index = end
            } else {
                index += 1
            }
        }
        out.append(contentsOf: scalars[copied...])
        return String(out)
    }

    static func isLocal(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "._%+-'".unicodeScalars.contains(scalar)
    }

    static func isDomain(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "." || scalar == "-"
    }
}
