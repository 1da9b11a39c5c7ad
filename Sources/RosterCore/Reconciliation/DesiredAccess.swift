/// The access one employee should have now, decided by their latest event in employee order
/// (``EmployeePosition``): offboarded means nothing anywhere; otherwise the grants of their latest
/// onboarding or change (the event's `access`, else the policy). Pure.
///
/// The leaver guarantee decides first (``LeaverRule``): a change after an offboarding with no
/// rehire in between grants nothing, so such an employee is still a leaver. An event whose job an
/// operator cancelled (``Event/isVoided``: a broken HR export, a hold cancelled with a reason)
/// does not count: reconciliation must not keep re-creating what a person stopped.
public enum DesiredAccess: Sendable, Hashable {
    /// Offboarded: nothing anywhere. Carries the offboarding that decided it.
    case nothing(offboardingEventID: String)
    /// These grants (one per vendor and project, sorted), decided by event `eventID`.
    case grants([AccessGrant], eventID: String)

    /// One recorded event of the employee, as reconciliation needs it.
    public struct Event: Sendable, Hashable {
        /// The HR event id.
        public var eventID: String
        /// What the event asked for; an offboarding, when latest, makes the employee a leaver.
        public var kind: HREvent.Kind
        /// Where the event stands among the employee's events; decides which one is latest.
        public var position: EmployeePosition
        /// The grants the event asks for (``JobPlanner/desiredGrants(for:)``); empty for an
        /// offboarding, `nil` when they cannot be planned (an unknown vendor or role).
        public var grants: [AccessGrant]?
        /// An operator cancelled its job: it does not decide anything.
        public var isVoided: Bool

        /// One event as recorded; `isVoided` when an operator cancelled its job.
        public init(
            eventID: String, kind: HREvent.Kind, position: EmployeePosition, grants: [AccessGrant]?,
            isVoided: Bool = false
        ) {
            self.eventID = eventID
            self.kind = kind
            self.position = position
            self.grants = grants
            self.isVoided = isVoided
        }
    }

    /// What `history` (one employee's events, any order) asks for, or `nil` when it decides
    /// nothing (no event counts, or the deciding event's grants cannot be planned: reconciliation
    /// then reports nothing for the employee rather than guess).
    public static func of(_ history: [Event]) -> DesiredAccess? {
        let counted = history.filter { !$0.isVoided }
        guard let latest = latestEvent(of: counted) else { return nil }
        if latest.kind == .offboarding { return .nothing(offboardingEventID: latest.eventID) }
        let entries = counted.map {
            LeaverRule.Entry(jobID: nil, eventID: $0.eventID, kind: $0.kind, position: $0.position, isUnfinished: false)
        }
        if let refusal = LeaverRule.refusal(
            kind: latest.kind, eventID: latest.eventID, position: latest.position, history: entries)
        {
            return .nothing(offboardingEventID: refusal.offboardingEventID)
        }
        guard let grants = latest.grants else { return nil }
        return .grants(grants.sorted(), eventID: latest.eventID)
    }

    /// Whether the employee is a leaver.
    public var isLeaver: Bool {
        if case .nothing = self { return true }
        return false
    }

    /// The grants at one vendor instance (none for a leaver).
    public func grants(at vendor: String) -> [AccessGrant] {
        switch self {
        case .nothing: []
        case .grants(let grants, _): grants.filter { $0.vendor == vendor }
        }
    }

    /// The event that decides: the one no other event comes after. When the two scales disagree
    /// (sequence for some, arrival for others), the last in arrival among the candidates; a tie in
    /// sequence goes to the offboarding (the leaver rule's tie-break).
    public static func latestEvent(of events: [Event]) -> Event? {
        let candidates = events.filter { event in
            !events.contains { $0.eventID != event.eventID && $0.position.isAfter(event.position) }
        }
        let pool = candidates.isEmpty ? events : candidates
        return pool.max { a, b in
            if a.kind == .offboarding, b.kind != .offboarding { return false }
            if b.kind == .offboarding, a.kind != .offboarding { return true }
            return a.position.arrival < b.position.arrival
        }
    }
}
