/// One invariant violation: which invariant, whose (employee id, never an address), what.
public struct NemesisFailure: Sendable, Hashable, CustomStringConvertible {
    public var invariant: String
    public var employee: String?
    public var message: String

    public init(invariant: String, employee: String?, message: String) {
        self.invariant = invariant
        self.employee = employee
        self.message = message
    }

    public var description: String { "[\(invariant)]\(employee.map { " \($0):" } ?? "") \(message)" }
}

/// What a nemesis run found.
public struct NemesisReport: Sendable {
    public var seed: UInt64
    public var plannedSeconds: Int
    public var duration: Duration = .zero
    public var fingerprint: String
    /// Messages published, by label (`join`, `duplicate`, `malformed-json`, …).
    public var events: [String: Int]
    public var faultsApplied: [String: Int] = [:]
    public var faultErrors: [String] = []
    /// Invariant → how many things it checked.
    public var checked: [(invariant: String, count: Int)] = []
    /// Observations that are not failures (repeats excused by a client timeout, job statuses).
    public var notes: [String] = []
    public var failures: [NemesisFailure] = []
    /// Employee id → their events and jobs as recorded, for each employee a failure names.
    public var histories: [String: String] = [:]
    public var workerLogs: String = ""

    public var passed: Bool { failures.isEmpty }

    public var summary: String {
        let valid = events.filter { !["duplicate", "malformed-json", "unknown-type"].contains($0.key) }.values.reduce(
            0, +)
        let invalid = (events["malformed-json"] ?? 0) + (events["unknown-type"] ?? 0)
        let seconds = Int(duration.components.seconds)
        var lines = [
            "nemesis \(passed ? "PASSED" : "FAILED"): seed \(seed), planned \(plannedSeconds) s, took \(seconds) s, plan fingerprint \(fingerprint)",
            "  events: \(valid) valid, \(invalid) invalid, \(events["duplicate"] ?? 0) duplicates (\(events.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")))",
            "  faults: \(faultsApplied.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))",
            "  invariants: " + checked.map { "\($0.invariant) (\($0.count) checked)" }.joined(separator: "; "),
        ]
        if !faultErrors.isEmpty { lines.append("  faults not applied: \(faultErrors.joined(separator: "; "))") }
        for note in notes { lines.append("  note: \(note)") }
        if !passed {
            lines.append("  FAILURES (seed \(seed)):")
            for failure in failures.prefix(50) { lines.append("    \(failure)") }
            if failures.count > 50 { lines.append("    … and \(failures.count - 50) more") }
            for (employee, history) in histories.sorted(by: { $0.key < $1.key }).prefix(10) {
                lines.append("  history of \(employee):\n\(history)")
            }
            if !workerLogs.isEmpty { lines.append("  worker logs (tails):\n\(workerLogs)") }
            lines.append("  rerun: ops/nemesis --seed \(seed) --duration \(plannedSeconds)")
        }
        return lines.joined(separator: "\n")
    }
}
