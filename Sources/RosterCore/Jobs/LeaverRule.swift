/// The rule that keeps a leaver's access from coming back through Roster, as a pure function of
/// one employee's recorded jobs. Ingest, `roster replay` and `roster dlq replay` all ask it.
///
/// - An **onboarding** grants only if it comes after every offboarding of the employee (a rehire).
/// - A **change** grants only if it comes after every offboarding *and*, for each offboarding, an
///   onboarding lies between that offboarding and the change (the rehire it changes). A change
///   after an offboarding with no rehire is recorded but never grants: only an onboarding rehires.
/// - An **offboarding** always runs; it ends every unfinished onboarding or change that the rule
///   above no longer lets grant.
///
/// "Comes after" is ``EmployeePosition/isAfter(_:)``: `sequence` when both events carry one,
/// else arrival. Ties go to the leaver.
public enum LeaverRule {
    /// One job of the employee, as recorded.
    public struct Entry: Sendable, Hashable {
        /// `nil` for a job planned in the current batch and not yet inserted.
        public var jobID: Int64?
        /// The HR event the job is for.
        public var eventID: String
        /// What the event asks for: grant (onboarding, change) or revoke (offboarding).
        public var kind: HREvent.Kind
        /// Where the event stands among the employee's events; decides what "comes after" means.
        public var position: EmployeePosition
        /// Queued, retrying or running: a job an offboarding may still stop.
        public var isUnfinished: Bool

        /// One recorded job; `jobID` is `nil` for a job planned in the current batch.
        public init(jobID: Int64?, eventID: String, kind: HREvent.Kind, position: EmployeePosition, isUnfinished: Bool)
        {
            self.jobID = jobID
            self.eventID = eventID
            self.kind = kind
            self.position = position
            self.isUnfinished = isUnfinished
        }
    }

    /// Why a job must not grant access.
    public struct Refusal: Sendable, Hashable, CustomStringConvertible {
        /// Which part of the rule refuses the job.
        public enum Kind: Sendable, Hashable {
            /// The onboarding or change is ordered at or before an offboarding.
            case superseded
            /// A change after an offboarding, with no rehire (onboarding) in between.
            case changeAfterOffboarding
        }

        /// Which of the two refusals this is.
        public var kind: Kind
        /// The offboarding that blocks it.
        public var offboardingEventID: String

        /// A refusal of `kind`, caused by the offboarding event `offboardingEventID`.
        public init(kind: Kind, offboardingEventID: String) {
            self.kind = kind
            self.offboardingEventID = offboardingEventID
        }

        /// Every `cancel_reason` a job ended by the offboarding `eventID` can carry (for finding
        /// the jobs an offboarding superseded, e.g. once it is declared void).
        public static func reasons(offboardingEventID eventID: String) -> [String] {
            [
                Refusal(kind: .superseded, offboardingEventID: eventID).description,
                Refusal(kind: .changeAfterOffboarding, offboardingEventID: eventID).description,
            ]
        }

        /// The job's `cancel_reason`, naming the offboarding event; ``reasons(offboardingEventID:)`` finds
        /// jobs by these exact sentences.
        public var description: String {
            switch kind {
            case .superseded:
                "superseded by offboarding \(offboardingEventID)"
            case .changeAfterOffboarding:
                "the employee was offboarded by event \(offboardingEventID); a change after an offboarding does not grant access: an onboarding after the offboarding is needed to rehire"
            }
        }
    }

    /// Why a job of `kind` at `position` must not grant access, given the employee's other jobs
    /// (`history`, which may include the job itself: it is ignored), or `nil` if it may run.
    public static func refusal(
        kind: HREvent.Kind, eventID: String, position: EmployeePosition, history: [Entry]
    ) -> Refusal? {
        guard kind != .offboarding else { return nil }
        let others = history.filter { $0.eventID != eventID }
        let offboardings = others.filter { $0.kind == .offboarding }.sorted {
            $0.position.arrival > $1.position.arrival
        }
        let onboardings = others.filter { $0.kind == .onboarding }
        for leaver in offboardings {
            guard position.isAfter(leaver.position) else {
                return Refusal(kind: .superseded, offboardingEventID: leaver.eventID)
            }
            if kind == .changed {
                let rehired = onboardings.contains {
                    $0.position.isAfter(leaver.position) && !$0.position.isAfter(position)
                }
                if !rehired { return Refusal(kind: .changeAfterOffboarding, offboardingEventID: leaver.eventID) }
            }
        }
        return nil
    }
}
