/// How far each vendor's chain of steps got in one run of a job.
///
/// A job's plan is one list of steps across vendors. Each vendor's steps form a chain that keeps
/// its order (for an offboarding: invites → keys → project memberships → organisation), but
/// one vendor that fails or must wait never stops another: its later steps are skipped for this
/// run while the other vendors' steps go on. The job ends when every chain has ended —
/// `succeeded` only if all are done; it is retried while any vendor waits; otherwise it is
/// `dead`, with the outcome of every vendor (``summary``).
///
/// The rule "no project membership removed before every vendor's keys are gone" does not hold
/// across vendors any more: a key at one vendor gives no access at another, and holding every
/// vendor's removals hostage to the slowest vendor is what left leavers with access.
public struct VendorChains: Sendable, Hashable {
    /// Why a vendor's chain stopped in this run.
    public enum Stop: Sendable, Hashable {
        /// Retryable: no call was made (budget, open breaker, a worker without the vendor) or the
        /// vendor failed in a way worth retrying; try again after the delay.
        case waiting(after: Duration, reason: String)
        /// Permanent for this job until an operator replays it.
        case failed(reason: String)
    }

    /// The plan's vendors, in the order they first appear.
    public let vendors: [String]
    /// The first stop of each vendor whose chain stopped in this run, by vendor name; a vendor not
    /// in it has not stopped.
    public private(set) var stops: [String: Stop] = [:]

    /// Chains for a plan's steps, given as each step's vendor in plan order (repeats collapse).
    public init(plan vendors: [String]) {
        var seen = Set<String>()
        self.vendors = vendors.filter { seen.insert($0).inserted }
    }

    /// Whether `vendor`'s chain has stopped in this run, so its remaining steps are skipped.
    public func isStopped(_ vendor: String) -> Bool { stops[vendor] != nil }

    /// Records the first stop of `vendor` in this run (later ones cannot happen: its steps are skipped).
    public mutating func stop(_ vendor: String, _ stop: Stop) {
        if stops[vendor] == nil { stops[vendor] = stop }
    }

    /// No vendor stopped: the job succeeds when its steps are done.
    public var isClear: Bool { stops.isEmpty }

    /// When to run the job again: the earliest delay of a waiting vendor; `nil` when none waits
    /// (then the job is dead if any vendor failed).
    public var retryAfter: Duration? {
        stops.values.compactMap { if case .waiting(let after, _) = $0 { after } else { nil } }.min()
    }

    /// Every vendor's outcome, in plan order: `openai: done; confident: failed – the organisation
    /// Owner cannot be removed`.
    public var summary: String {
        vendors.map { vendor in
            switch stops[vendor] {
            case nil: "\(vendor): done"
            case .waiting(_, let reason): "\(vendor): waiting – \(reason)"
            case .failed(let reason): "\(vendor): failed – \(reason)"
            }
        }.joined(separator: "; ")
    }
}
