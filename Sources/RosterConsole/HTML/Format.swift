import Foundation
import RosterCore

/// How the console writes times, durations and counts: UTC RFC 3339 in a `<time>` element (the
/// machine-readable value) with a short relative form beside it.
enum Format {
    /// `<time datetime="…">2026-11-24 10:00:00Z</time> (3 min ago)`.
    static func time(_ time: Timestamp?, now: Timestamp) -> HTML {
        guard let time else { return "–" }
        let text = time.rfc3339
        let short = text.replacingOccurrences(of: "T", with: " ").prefix(19) + "Z"
        let ago = now.duration(since: time)
        let relative = ago >= .zero ? "\(duration(ago)) ago" : "in \(duration(.zero - ago))"
        return "<time datetime=\"\(text)\">\(String(short))</time> <span class=\"muted\">(\(relative))</span>"
    }

    /// `850 ms`, `42 s`, `12 min`, `5 h`, `3 d`.
    static func duration(_ duration: Duration) -> String {
        seconds(duration.inSeconds)
    }

    /// ``duration(_:)`` from seconds.
    static func seconds(_ seconds: Double) -> String {
        if seconds < 1 { return "\(Int((seconds * 1000).rounded())) ms" }
        if seconds < 120 { return String(format: seconds < 10 ? "%.1f s" : "%.0f s", seconds) }
        if seconds < 7200 { return "\(Int(seconds / 60)) min" }
        if seconds < 172_800 { return String(format: "%.1f h", seconds / 3600) }
        return String(format: "%.1f d", seconds / 86_400)
    }

    /// `20`, `0.5`, `2.78` requests per second.
    static func rate(_ value: Double) -> String {
        value.rounded() == value ? String(Int(value)) : String(format: "%.3g", value)
    }

    /// `12,345`.
    static func count(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out += "," }
            out.append(character)
        }
        return (value < 0 ? "-" : "") + out
    }

    /// A job status as a labelled badge (the word is always there: colour is never the only cue).
    static func status(_ status: String) -> HTML {
        "<span class=\"badge s-\(status.replacingOccurrences(of: " ", with: "_"))\">\(status)</span>"
    }

    /// `key=value` pairs of a JSON object of vendor ids.
    static func ids(_ value: JSONValue) -> String {
        guard case .object(let members) = value else { return "" }
        return members.keys.sorted().map { key in
            switch members[key]! {
            case .string(let text): "\(key)=\(text)"
            case .null: "\(key)=–"
            case let other: "\(key)=\(other.serialized)"
            }
        }.joined(separator: " ")
    }
}
