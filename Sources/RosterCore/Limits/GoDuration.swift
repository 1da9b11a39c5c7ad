/// Go-style durations as vendors send them (OpenAI's `x-ratelimit-reset-requests: 6m0s`): pure
/// parsing, `nil` for anything malformed.
public enum GoDuration {
    /// The longest duration returned: anything longer is a vendor bug, not a schedule.
    public static let maximum: Duration = .seconds(86_400)

    /// One or more `<number><unit>` with units `h`, `m`, `s`, `ms`, `us`/`µs`, `ns` (`1s`, `6m0s`,
    /// `20ms`, `1h2m3.5s`), or a bare `0`; capped at ``maximum``.
    public static func parse(_ value: String) -> Duration? {
        let text = Array(value.trimmingWhitespace.unicodeScalars)
        if text.count == 1, text[0] == "0" { return .zero }
        guard !text.isEmpty else { return nil }
        var seconds = 0.0
        var index = 0
        while index < text.count {
            let numberStart = index
            while index < text.count, text[index] == "." || ("0"..."9").contains(text[index]) { index += 1 }
            guard index > numberStart, let number = Double(String(String.UnicodeScalarView(text[numberStart..<index])))
            else { return nil }
            let unitStart = index
            while index < text.count, !(text[index] == "." || ("0"..."9").contains(text[index])) { index += 1 }
            switch String(String.UnicodeScalarView(text[unitStart..<index])) {
            case "h": seconds += number * 3600
            case "m": seconds += number * 60
            case "s": seconds += number
            case "ms": seconds += number / 1_000
            case "us", "µs", "μs": seconds += number / 1_000_000
            case "ns": seconds += number / 1_000_000_000
            default: return nil
            }
        }
        guard seconds.isFinite else { return nil }
        return .seconds(min(seconds, maximum.inSeconds))
    }
}
