import Synchronization

/// Projects a connector has found or created recently, by name, shared by every job of the
/// process, so that a burst of onboardings into one project looks it up once instead of once
/// per job and step.
///
/// Only projects that existed are cached, so a cached answer can only be wrong if someone
/// deleted the project within ``timeToLive``; the invite or membership call naming it then
/// fails and the retried step looks again (entries are dropped with ``forget(_:)``).
public final class ProjectCache<Value: Sendable>: Sendable {
    /// How long an entry is believed.
    public let timeToLive: Duration
    private let entries = Mutex<[String: (value: Value, at: ContinuousClock.Instant)]>([:])

    public init(timeToLive: Duration = .seconds(60)) {
        self.timeToLive = timeToLive
    }

    /// The project called `name`, if seen within ``timeToLive``.
    public func get(_ name: String) -> Value? {
        let now = ContinuousClock.now
        return entries.withLock { entries in
            guard let entry = entries[name] else { return nil }
            guard now - entry.at < timeToLive else {
                entries[name] = nil
                return nil
            }
            return entry.value
        }
    }

    /// Remembers that `name` is `value`.
    public func put(_ name: String, _ value: Value) {
        let now = ContinuousClock.now
        entries.withLock { $0[name] = (value, now) }
    }

    /// Forgets `name`.
    public func forget(_ name: String) {
        entries.withLock { $0[name] = nil }
    }
}
