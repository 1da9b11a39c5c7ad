import Foundation
import Synchronization

/// Sessions in memory (a restart signs everybody out): created on a first visit, looked up by
/// cookie, replaced with a new id at sign-in (no session fixation), dropped after
/// ``ConsoleConfiguration/sessionIdleTimeout`` without a request. At most ``capacity`` at once;
/// the least recently seen go first.
public final class SessionStore: Sendable {
    /// The most sessions kept.
    public static let capacity = 10_000

    private let sessions = Mutex<[String: ConsoleSession]>([:])
    private let idleTimeout: Duration

    public init(idleTimeout: Duration) {
        self.idleTimeout = idleTimeout
    }

    /// The live session with cookie value `id`, marked seen now.
    func session(_ id: String?) -> ConsoleSession? {
        guard let id, !id.isEmpty else { return nil }
        let now = ContinuousClock.now
        return sessions.withLock { all in
            guard var session = all[id] else { return nil }
            guard now - session.lastSeen < idleTimeout else {
                all[id] = nil
                return nil
            }
            session.lastSeen = now
            all[id] = session
            return session
        }
    }

    /// A new session.
    func create(signedIn: Bool, operatorName: String?) -> ConsoleSession {
        let session = ConsoleSession(
            id: ConsoleSession.randomToken(), csrfToken: ConsoleSession.randomToken(), signedIn: signedIn,
            operatorName: operatorName, lastSeen: .now
        )
        sessions.withLock { all in
            if all.count >= Self.capacity {
                let oldest = all.values.sorted { $0.lastSeen < $1.lastSeen }.prefix(all.count - Self.capacity + 1)
                for stale in oldest { all[stale.id] = nil }
            }
            all[session.id] = session
        }
        return session
    }

    /// Ends `id` and starts a signed-in session for `operatorName` (new id, new CSRF token).
    func signIn(replacing id: String?, operatorName: String) -> ConsoleSession {
        if let id { end(id) }
        return create(signedIn: true, operatorName: operatorName)
    }

    func end(_ id: String) {
        _ = sessions.withLock { $0.removeValue(forKey: id) }
    }
}
