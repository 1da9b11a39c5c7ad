/// Decides what access an employee should have: the event's explicit `access` when present,
/// otherwise every grant of every matching policy rule.
public struct AccessPolicy: Sendable, Hashable {
    /// The `policy:` rules; every rule that matches adds its grants, so their order does not matter.
    public var rules: [RosterConfiguration.PolicyRule]

    /// A policy of `rules` (usually ``RosterConfiguration/policy``).
    public init(rules: [RosterConfiguration.PolicyRule]) {
        self.rules = rules
    }

    /// The desired grants, sorted and without duplicates.
    public func grants(for event: HREvent) -> [AccessGrant] {
        if let explicit = event.access { return Array(Set(explicit)).sorted() }
        var result = Set<AccessGrant>()
        for rule in rules where Self.matches(rule.match, event.employee) {
            result.formUnion(rule.grant)
        }
        return result.sorted()
    }

    static func matches(_ match: RosterConfiguration.PolicyRule.Match, _ employee: Employee) -> Bool {
        if match.department == nil, match.title == nil { return false }
        if let department = match.department, department.lowercased() != employee.department?.lowercased() {
            return false
        }
        if let title = match.title, title.lowercased() != employee.title?.lowercased() { return false }
        return true
    }
}
