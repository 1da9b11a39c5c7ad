import Foundation

/// Validation shared by the consumer and producer configurations. Pure Swift: runs before any C call.
enum KafkaConfigurationRules {
    static func validateBootstrapServers(_ servers: String) throws {
        let entries = servers.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard !servers.isEmpty, !entries.contains(where: \.isEmpty) else {
            throw KafkaError.config("bootstrapServers must be a comma-separated host:port list")
        }
        for entry in entries {
            var address = Substring(entry)
            if let scheme = address.range(of: "://") { address = address[scheme.upperBound...] }
            guard let colon = address.lastIndex(of: ":"), colon != address.startIndex,
                let port = Int(address[address.index(after: colon)...]), (1...65_535).contains(port)
            else {
                throw KafkaError.config("bootstrapServers entry '\(entry)' is not host:port")
            }
        }
        try validateText(servers, field: "bootstrapServers")
    }

    /// Kafka's legal topic names: 1–249 of `[A-Za-z0-9._-]`, not `.` or `..`.
    static func validateTopic(_ topic: String) throws {
        let legal = topic.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
                true
            default: false
            }
        }
        guard (1...249).contains(topic.utf8.count), legal, topic != ".", topic != ".." else {
            throw KafkaError.config("topic '\(topic)' is not a legal Kafka topic name ([A-Za-z0-9._-], 1-249 chars)")
        }
    }

    /// Non-empty, and no NUL or other control characters (they would truncate or corrupt C strings).
    static func validateText(_ value: String, field: String) throws {
        guard !value.isEmpty else { throw KafkaError.config("\(field) must not be empty") }
        guard !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw KafkaError.config("\(field) contains control characters")
        }
    }

    static func validateAdditional(_ additional: [String: String], reserved: Set<String>) throws {
        for (key, value) in additional {
            try validateText(key, field: "additional key")
            guard !reserved.contains(key) else {
                throw KafkaError.config("additional['\(key)'] is managed by RosterKafka and cannot be overridden")
            }
            guard !value.unicodeScalars.contains("\0") else {
                throw KafkaError.config("additional['\(key)'] contains a NUL character")
            }
        }
    }

    /// Whole milliseconds (rounded up) within `range`.
    static func milliseconds(_ duration: Duration, field: String, range: ClosedRange<Int64>) throws -> Int64 {
        let ms = duration.roundedUpMilliseconds
        guard range.contains(ms) else {
            throw KafkaError.config("\(field) is \(duration) but must be \(range.lowerBound)...\(range.upperBound) ms")
        }
        return ms
    }
}

extension Duration {
    /// Whole milliseconds, rounded up so a positive duration never becomes 0; saturating.
    var roundedUpMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        let perMillisecond: Int64 = 1_000_000_000_000_000
        var ms = seconds.multipliedReportingOverflow(by: 1000)
        if ms.overflow { return seconds < 0 ? .min : .max }
        var fraction = attoseconds / perMillisecond
        if attoseconds % perMillisecond > 0 { fraction += 1 }
        ms = ms.partialValue.addingReportingOverflow(fraction)
        return ms.overflow ? .max : ms.partialValue
    }

    /// Milliseconds for a librdkafka `int timeout_ms` argument: clamped to `0...Int32.max`.
    var timeoutMilliseconds: Int32 {
        Int32(clamping: max(0, roundedUpMilliseconds))
    }
}
