import Foundation

/// How recent the directory entries a step relies on must be, decided by the engine from what it
/// knows about the step and the person (``StepContext/freshness``).
///
/// A directory is one process's view, kept current by that process's own mutations. It can miss a
/// change Roster made in another process — but Roster changes a person's access only in that
/// person's jobs, and one person's jobs run one at a time, so a listing that started after the
/// person's previous job stopped has seen every change Roster made to them. Changes made by
/// people in a vendor's console are seen on the next refresh (the time to live) or when the vendor
/// contradicts the directory.
public struct DirectoryFreshness: Sendable, Hashable, CustomStringConvertible {
    /// Why the step needs what it needs.
    public enum Reason: String, Sendable, Hashable {
        /// Nothing Roster did to this person is unknown to any directory: any entry within the
        /// time to live will do.
        case any
        /// Roster touched this person before (an earlier job, possibly in another process):
        /// entries must have been listed after that.
        case earlierJob = "earlier_job"
        /// The step ran before and may have made a call whose answer was never recorded (a crash,
        /// a cut connection, a failure after the call): entries must be listed anew.
        case resumed
        /// A leaver's step: never trust an entry older than the step itself.
        case revocation
    }

    /// Entries must have been listed at or after this time; `nil`: any entry within the time to
    /// live.
    public var notBefore: Date?
    /// Why.
    public var reason: Reason

    public init(notBefore: Date?, reason: Reason) {
        self.notBefore = notBefore
        self.reason = reason
    }

    /// Any entry within the time to live (a first step for a person Roster never touched).
    public static let any = DirectoryFreshness(notBefore: nil, reason: .any)

    /// Whether the step must not rely on entries listed before it started.
    public var demandsNewListing: Bool { reason == .resumed || reason == .revocation }

    /// What the engine asks for a step: new listings for a leaver's step and a resumed one, else
    /// listings younger than the person's previous job, else anything within the time to live.
    ///
    /// - Parameters:
    ///   - isRevocation: The step takes access away.
    ///   - attempt: The step's attempt number (1 for its first run).
    ///   - startedAt: When this run of the step started.
    ///   - personTouchedAt: When Roster last worked on this person in another job (or an earlier
    ///     run of this job), if ever.
    public static func forStep(
        isRevocation: Bool, attempt: Int, startedAt: Date, personTouchedAt: Date?
    ) -> DirectoryFreshness {
        if isRevocation { return DirectoryFreshness(notBefore: startedAt, reason: .revocation) }
        if attempt > 1 { return DirectoryFreshness(notBefore: startedAt, reason: .resumed) }
        if let personTouchedAt {
            // Another process's clock may run a little behind ours: a margin keeps "after" honest
            // (capped at the step's start, which a listing started now always satisfies).
            let notBefore = min(personTouchedAt.addingTimeInterval(clockSkewMargin), startedAt)
            return DirectoryFreshness(notBefore: notBefore, reason: .earlierJob)
        }
        return .any
    }

    /// How far apart two workers' clocks may be (seconds) without a directory trusting a listing
    /// that started before another process's last change to a person.
    public static let clockSkewMargin: TimeInterval = 2

    public var description: String {
        notBefore.map { "\(reason.rawValue) (listed after \($0.timeIntervalSince1970))" } ?? reason.rawValue
    }
}
