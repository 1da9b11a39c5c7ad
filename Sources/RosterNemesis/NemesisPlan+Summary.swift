extension NemesisPlan {
    /// How many messages of each label the plan publishes.
    public var eventCounts: [NemesisEvent.Label: Int] {
        var counts: [NemesisEvent.Label: Int] = [:]
        for event in allEvents { counts[event.label, default: 0] += 1 }
        return counts
    }

    /// How many faults of each kind (recoveries not counted).
    public var faultCounts: [String: Int] {
        var counts: [String: Int] = [:]
        for entry in faults where !entry.fault.isRecovery { counts[entry.fault.kind, default: 0] += 1 }
        return counts
    }

    /// FNV-1a over the whole plan's text: equal for equal seeds and durations.
    public var fingerprint: String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for line in lines {
            for byte in line.utf8 {
                hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
            }
            hash = (hash ^ 0x0A) &* 0x0000_0100_0000_01B3
        }
        let text = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }

    /// The whole plan, one line per round and fault, in time order.
    public var lines: [String] {
        let events = rounds.map { ($0.offsetMs, 0, "events: " + $0.events.map(\.description).joined(separator: "; ")) }
        let faults = faults.map { ($0.offsetMs, 1, "fault: \($0.fault)") }
        return (events + faults).sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map { "\(Self.seconds($0.0)) \($0.2)" }
    }

    /// The summary printed before a run: counts, the fault schedule and the fingerprint.
    public var summary: String {
        let eventText = NemesisEvent.Label.allCases.compactMap { label in
            eventCounts[label].map { "\(label.rawValue) \($0)" }
        }
        var text = """
            nemesis plan: seed \(seed), \(durationSeconds) s, \(workers) workers, \(brokers) brokers, \(partitions) partitions, vendors \(Self.vendors.joined(separator: ", "))
              messages: \(allEvents.count) (\(eventText.joined(separator: ", ")))
              faults: \(faultCounts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
              fingerprint: \(fingerprint)
              fault schedule:
            """
        for entry in faults.prefix(60) {
            text += "\n    \(Self.seconds(entry.offsetMs)) \(entry.fault)"
        }
        if faults.count > 60 { text += "\n    … \(faults.count - 60) more (NemesisPlan.lines has them all)" }
        return text
    }

    static func seconds(_ ms: Int) -> String {
        let tenths = ms / 100
        return "t+\(tenths / 10).\(tenths % 10)s"
    }
}
