import RosterCore

/// What the vendors must hold at the end, computed from the published events alone with the
/// simplest possible rules (not Roster's planner or reconciliation):
///
/// - an onboarding of someone with nothing (a joiner, or a rehire after an offboarding) grants
///   exactly its access;
/// - a change of an active employee makes their access exactly its access;
/// - an offboarding removes everything; a change after it (with no rehire) changes nothing.
///
/// Per vendor, for someone who never accepts an invitation (nobody does in the nemesis):
/// OpenAI holds one pending invite naming exactly the granted projects with their roles;
/// PostHog holds one pending invite at the highest granted level (projects are public, so no
/// project access rides on it). Nothing granted in a vendor means no invite there.
public struct NemesisModel: Sendable {
    /// An employee's expected access.
    public struct Access: Sendable, Hashable, CustomStringConvertible {
        /// OpenAI project name → role.
        public var openAI: [String: String] = [:]
        /// PostHog organization level (1 member, 8 admin), or `nil` for no invite.
        public var postHogLevel: Int?
        /// Whether the employee's last valid event left them offboarded.
        public var isLeaver = false

        public var description: String {
            let projects = openAI.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: ",")
            return
                "openai {\(projects)} posthog \(postHogLevel.map(String.init) ?? "none")\(isLeaver ? " (leaver)" : "")"
        }
    }

    /// Employee id → expected access, for every employee with a valid event.
    public let expected: [String: Access]
    /// Employee id → valid events in sequence order (duplicates removed).
    public let history: [String: [NemesisEvent]]

    public init(events: [NemesisEvent]) {
        var history: [String: [NemesisEvent]] = [:]
        var seen = Set<String>()
        for event in events where event.isValid && event.label != .duplicate && seen.insert(event.eventID).inserted {
            history[event.employee, default: []].append(event)
        }
        var expected: [String: Access] = [:]
        for (employee, events) in history {
            let sorted = events.sorted { $0.sequence < $1.sequence }
            history[employee] = sorted
            var access = Access()
            var active = false
            for event in sorted {
                switch event.kind {
                case .onboarding:
                    access = Self.access(event.grants)
                    active = true
                case .changed where active:
                    access = Self.access(event.grants)
                case .changed:
                    break
                case .offboarding:
                    access = Access()
                    access.isLeaver = true
                    active = false
                }
            }
            expected[employee] = access
        }
        self.expected = expected
        self.history = history
    }

    static func access(_ grants: [AccessGrant]) -> Access {
        var access = Access()
        for grant in grants {
            switch grant.vendor {
            case "openai":
                access.openAI[grant.project] = access.openAI[grant.project] == "owner" ? "owner" : grant.role
            case "posthog":
                access.postHogLevel = max(access.postHogLevel ?? 0, grant.role == "admin" ? 8 : 1)
            default:
                break
            }
        }
        return access
    }
}
