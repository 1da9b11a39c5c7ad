/// Where one event stands among the events of its employee.
///
/// Two scales exist and are never compared with each other:
/// - `arrival`: the order in which Roster recorded the employee's events (1, 2, 3 … per
///   employee; a later arrival has a higher number);
/// - `sequence`: the HR system's own order, when the event carries one.
///
/// Two events that both carry a `sequence` are ordered by it; otherwise by arrival. A tie in
/// `sequence` orders neither event after the other: the rules that use ``isAfter(_:)`` then
/// decide for the leaver (an onboarding or change that is not after an offboarding never grants).
public struct EmployeePosition: Sendable, Hashable, CustomStringConvertible {
    /// The order in which Roster recorded the employee's events: 1 for the first, one more for each
    /// later one.
    public var arrival: Int64
    /// The HR system's own order (`data.sequence`), when the event carries one.
    public var sequence: Int64?

    /// A position at `arrival`, with the event's `sequence` when it has one.
    public init(arrival: Int64, sequence: Int64? = nil) {
        self.arrival = arrival
        self.sequence = sequence
    }

    /// Whether this event comes strictly after `other`: by `sequence` when both carry one, else by
    /// arrival.
    public func isAfter(_ other: EmployeePosition) -> Bool {
        if let mine = sequence, let theirs = other.sequence { return mine > theirs }
        return arrival > other.arrival
    }

    /// `sequence 7 (arrival 3)`, or `arrival 3` without a sequence, for messages.
    public var description: String {
        sequence.map { "sequence \($0) (arrival \(arrival))" } ?? "arrival \(arrival)"
    }
}
