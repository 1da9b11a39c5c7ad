/// A bar chart drawn as inline SVG (no script, no inline style: the CSP allows neither), with a
/// text equivalent for screen readers.
struct Histogram {
    /// One bar: its label and count.
    var bars: [(label: String, count: Int)]
    /// What the chart shows, read out in place of the picture.
    var summary: String

    var html: HTML {
        let width = 640
        let height = 180
        let top = 18
        let bottom = 34
        let left = 8
        let slot = (width - left * 2) / max(bars.count, 1)
        let highest = max(bars.map(\.count).max() ?? 0, 1)
        var body: HTML = .empty
        for (index, bar) in bars.enumerated() {
            let barHeight = bar.count == 0 ? 0 : max(2, (height - top - bottom) * bar.count / highest)
            let x = left + index * slot + 4
            let y = height - bottom - barHeight
            body += """
                <g><title>\(bar.label): \(bar.count)</title>\
                <rect class="bar" x="\(x)" y="\(y)" width="\(slot - 8)" height="\(barHeight)"></rect>\
                <text x="\(x + (slot - 8) / 2)" y="\(y - 4)" text-anchor="middle">\(bar.count)</text>\
                <text x="\(x + (slot - 8) / 2)" y="\(height - bottom + 16)" text-anchor="middle">\(bar.label)</text></g>
                """
        }
        return """
            <svg class="histogram" role="img" aria-label="\(summary)" viewBox="0 0 \(width) \(height)" width="\(width)" height="\(height)" \
            xmlns="http://www.w3.org/2000/svg">\
            <line x1="\(left)" y1="\(height - bottom)" x2="\(width - left)" y2="\(height - bottom)" stroke="#8c959f"></line>\(body)</svg>
            """
    }
}
