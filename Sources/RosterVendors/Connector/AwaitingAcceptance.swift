import Foundation

/// A granting step cannot go on until the employee accepts an invitation the vendor sent them
/// (Confident AI: project invitations need organization membership). Not a failure: the engine
/// puts the step back to pending with its attempt given back, and the vendor's chain waits
/// ``retryAfter`` (no worker or rate-limit slot is held meanwhile) while the other vendors go on.
/// The connector decides when waiting has lasted too long and then throws a permanent
/// ``VendorError`` instead.
public struct AwaitingAcceptance: Error, Sendable, CustomStringConvertible {
    /// The vendor instance.
    public var vendor: String
    /// When the invitation was first sent (or first seen pending) by this step.
    public var since: Date
    /// When to look again.
    public var retryAfter: Duration

    public init(vendor: String, since: Date, retryAfter: Duration) {
        self.vendor = vendor
        self.since = since
        self.retryAfter = retryAfter
    }

    /// `waiting for acceptance since 2026-12-03T12:00:00Z` (no address, ever).
    public var reason: String {
        "waiting for acceptance since \(since.formatted(.iso8601))"
    }

    public var description: String { "\(vendor): \(reason)" }

    /// How long to wait before looking again, `elapsed` after the invitation: a quarter of the
    /// time waited so far, between a minute and an hour, and never more than an eighth of the
    /// window (so short windows, as in tests, are looked at often enough to be honoured).
    public static func recheckDelay(elapsed: TimeInterval, window: TimeInterval) -> Duration {
        let grown = min(max(elapsed / 4, 60), 3_600)
        let seconds = min(grown, max(window / 8, 1))
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }
}
