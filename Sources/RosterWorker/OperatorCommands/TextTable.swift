import Foundation

/// The one plain-text table of every command (`roster jobs`, `status`, `doctor`, `dev`, …):
/// left-aligned columns two spaces apart, a header line, cells on one line and cut with "…" past
/// ``maximumCellWidth``, and ANSI colour for status cells only when ``colour`` is on (a terminal
/// without `NO_COLOR`, and not `TERM=dumb`), so piped output stays plain.
public struct TextTable: Sendable {
    /// The column titles; their count fixes the number of columns (extra cells are dropped).
    public var headers: [String]
    /// The rows added so far, each cell on one line (see ``append(_:)``).
    public var rows: [[String]] = []
    /// Whether to add ANSI colour: bold headers and coloured state cells.
    public var colour: Bool
    /// Widest a cell may be before it is cut with "…".
    public var maximumCellWidth = 80
    /// A line printed under the headers when there are no rows (`"(none)"`), or nothing.
    public var emptyText: String?

    /// Creates an empty table with these column titles.
    public init(_ headers: [String], colour: Bool = false, emptyText: String? = nil) {
        self.headers = headers
        self.colour = colour
        self.emptyText = emptyText
    }

    /// Adds a row; line breaks inside a cell become spaces.
    public mutating func append(_ row: [String]) {
        rows.append(row.map { $0.replacingOccurrences(of: "\n", with: " ") })
    }

    /// The table as text: every line ends in a newline, with no trailing spaces.
    public var rendered: String {
        let cut = { (cell: String) -> String in
            cell.count > maximumCellWidth ? String(cell.prefix(maximumCellWidth - 1)) + "…" : cell
        }
        let cells = ([headers] + rows).map { $0.map(cut) }
        var widths = Array(repeating: 0, count: headers.count)
        for row in cells {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        var out = ""
        for (r, row) in cells.enumerated() {
            var line = ""
            for (i, cell) in row.enumerated() where i < widths.count {
                let isLast = i == widths.count - 1
                let padded = isLast ? cell : cell + String(repeating: " ", count: widths[i] - cell.count) + "  "
                line += r == 0 ? Terminal.bold(padded, colour) : Terminal.status(padded, raw: cell, colour)
            }
            while line.hasSuffix(" ") { line.removeLast() }
            out += line + "\n"
        }
        if rows.isEmpty, let emptyText { out += emptyText + "\n" }
        return out
    }
}

/// ANSI styling, applied only when asked.
public enum Terminal {
    /// Whether standard output should be coloured: a terminal, and `NO_COLOR` unset.
    public static func wantsColour(environment: [String: String], isTerminal: Bool) -> Bool {
        isTerminal && (environment["NO_COLOR"] ?? "").isEmpty && environment["TERM"] != "dumb"
    }

    static func bold(_ text: String, _ on: Bool) -> String { on ? "\u{1B}[1m\(text)\u{1B}[0m" : text }

    /// Colours a cell whose raw text is a job, step or breaker state.
    static func status(_ text: String, raw: String, _ on: Bool) -> String {
        guard on else { return text }
        let code: String
        switch raw {
        case "succeeded", "closed", "job_created", "ok": code = "32"
        case "dead", "failed", "open", "rejected": code = "31"
        case "retrying", "half_open", "running", "held": code = "33"
        case "cancelled", "skipped": code = "90"
        default: return text
        }
        return "\u{1B}[\(code)m\(text)\u{1B}[0m"
    }
}
