import Foundation

/// A plain text table: a header row, a rule, left-aligned columns, long cells cut with `…`.
struct TextTable {
    var headers: [String]
    var rows: [[String]] = []
    var maximumWidth = 72

    init(_ headers: [String]) {
        self.headers = headers
    }

    mutating func append(_ row: [String]) {
        rows.append(row.map { cell in
            let flat = cell.replacingOccurrences(of: "\n", with: " ")
            return flat.count > maximumWidth ? String(flat.prefix(maximumWidth - 1)) + "…" : flat
        })
    }

    var rendered: String {
        var widths = headers.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            var text = ""
            for (index, cell) in cells.enumerated() {
                let isLast = index == cells.count - 1
                text += isLast ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0) + "  "
            }
            return text
        }
        var lines = [line(headers), line(widths.map { String(repeating: "-", count: $0) })]
        lines += rows.map(line)
        if rows.isEmpty { lines.append("(none)") }
        return lines.joined(separator: "\n")
    }
}
