/// Splits a file of events into one chunk per event, with the line each starts on: either a JSON
/// array of events, or one JSON document per line (blank lines skipped).
public enum EventFile {
    /// One event of the file: its bytes and the line it starts on.
    public struct Entry: Sendable, Hashable {
        /// 1-based line where the event starts.
        public var line: Int
        /// The event's JSON text, as it is in the file (unparsed).
        public var bytes: [UInt8]
    }

    /// The events in `bytes`, in file order; empty when the file holds only whitespace.
    ///
    /// - Throws: ``JSONParser/SyntaxError`` when the file is a JSON array whose own brackets and
    ///   commas are malformed. Each event's JSON is not checked here: that is for the decoder.
    public static func entries(_ bytes: [UInt8]) throws(JSONParser.SyntaxError) -> [Entry] {
        var lineStarts = [0]
        for (i, b) in bytes.enumerated() where b == UInt8(ascii: "\n") { lineStarts.append(i + 1) }
        func line(of offset: Int) -> Int {
            var lo = 0
            var hi = lineStarts.count - 1
            while lo < hi {
                let mid = (lo + hi + 1) / 2
                if lineStarts[mid] <= offset { lo = mid } else { hi = mid - 1 }
            }
            return lo + 1
        }
        let first = bytes.firstIndex { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }
        guard let first else { return [] }
        if bytes[first] == UInt8(ascii: "[") {
            return try arrayElements(bytes, from: first).map {
                Entry(line: line(of: $0.lowerBound), bytes: Array(bytes[$0]))
            }
        }
        var entries: [Entry] = []
        for (index, start) in lineStarts.enumerated() {
            let end = index + 1 < lineStarts.count ? lineStarts[index + 1] : bytes.count
            let chunk = bytes[start..<end]
            if chunk.allSatisfy({ [0x20, 0x09, 0x0A, 0x0D].contains($0) }) { continue }
            entries.append(Entry(line: index + 1, bytes: Array(chunk)))
        }
        return entries
    }

    /// Byte ranges of the top-level array's elements; validates the array's own syntax only.
    static func arrayElements(_ b: [UInt8], from open: Int) throws(JSONParser.SyntaxError) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var depth = 0
        var inString = false
        var escaped = false
        var elementStart: Int?
        var i = open
        while i < b.count {
            let c = b[i]
            if inString {
                if escaped {
                    escaped = false
                } else if c == UInt8(ascii: "\\") {
                    escaped = true
                } else if c == UInt8(ascii: "\"") {
                    inString = false
                }
            } else {
                switch c {
                case UInt8(ascii: "\""):
                    inString = true
                    if depth == 1, elementStart == nil { elementStart = i }
                case UInt8(ascii: "["), UInt8(ascii: "{"):
                    if depth == 1, elementStart == nil { elementStart = i }
                    depth += 1
                case UInt8(ascii: "]"), UInt8(ascii: "}"):
                    depth -= 1
                    if depth == 0 {
                        if let s = elementStart { ranges.append(s..<i) }
                        let rest = b[(i + 1)...].allSatisfy { [0x20, 0x09, 0x0A, 0x0D].contains($0) }
                        guard rest else {
                            throw JSONParser.SyntaxError(
                                offset: i + 1, reason: "expected end of document after the array")
                        }
                        return ranges
                    }
                case UInt8(ascii: ","):
                    if depth == 1 {
                        guard let s = elementStart else {
                            throw JSONParser.SyntaxError(offset: i, reason: "expected a value before ','")
                        }
                        ranges.append(s..<i)
                        elementStart = nil
                    }
                case 0x20, 0x09, 0x0A, 0x0D:
                    break
                default:
                    if depth == 1, elementStart == nil { elementStart = i }
                }
            }
            i += 1
        }
        throw JSONParser.SyntaxError(offset: b.count, reason: "unexpected end, expected ']'")
    }
}
