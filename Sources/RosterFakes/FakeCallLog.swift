/// The requests a fake vendor server received, in arrival order, with helpers for assertions.
public struct FakeCallLog: Sendable, Hashable, RandomAccessCollection {
    /// The calls in arrival order.
    public var calls: [FakeCall]

    public init(_ calls: [FakeCall] = []) {
        self.calls = calls
    }

    public var startIndex: Int { calls.startIndex }
    public var endIndex: Int { calls.endIndex }
    public subscript(position: Int) -> FakeCall { calls[position] }

    /// Calls whose method changes state (POST, PUT, PATCH, DELETE).
    public var mutatingCalls: [FakeCall] { calls.filter(\.isMutation) }

    /// Calls that reached the fake's API logic (not refused by a fault, the limiter or auth).
    public var admittedCalls: [FakeCall] { calls.filter(\.wasAdmitted) }

    /// Calls with `method` (case-insensitive) whose path is `path`, or starts with it when
    /// `prefix` is true.
    public func calls(_ method: String? = nil, path: String, prefix: Bool = false) -> [FakeCall] {
        calls.filter { call in
            (method == nil || call.method == method!.uppercased())
                && (prefix ? call.path.hasPrefix(path) : call.path == path)
        }
    }

    /// Calls that got `status`.
    public func calls(status: Int) -> [FakeCall] {
        calls.filter { $0.status == status }
    }

    /// The most calls (optionally only those passing `isIncluded`) that arrived within any
    /// half-open interval of length `window` — a sliding window, so it catches bursts that
    /// straddle a fixed-window boundary.
    public func peakCount(inAnyWindowOf window: Duration, where isIncluded: (FakeCall) -> Bool = { _ in true }) -> Int {
        let times = calls.filter(isIncluded).map(\.receivedAt)
        var peak = 0
        var start = 0
        for end in times.indices {
            while times[end] - times[start] >= window { start += 1 }
            peak = Swift.max(peak, end - start + 1)
        }
        return peak
    }

    /// Calls (optionally only those passing `isIncluded`) per fixed window of length `window`
    /// counted from the server's start (``FakeCall/offset``), as `[windowIndex: count]`.
    public func countsPerFixedWindow(
        _ window: Duration,
        where isIncluded: (FakeCall) -> Bool = { _ in true }
    ) -> [Int: Int] {
        var counts: [Int: Int] = [:]
        for call in calls where isIncluded(call) {
            counts[Int(call.offset / window), default: 0] += 1
        }
        return counts
    }
}
