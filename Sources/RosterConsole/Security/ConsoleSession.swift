import Foundation

/// One browser's session: an unguessable id (the HttpOnly, SameSite=Strict cookie), the CSRF
/// token its forms carry, and who signed in.
public struct ConsoleSession: Sendable, Hashable {
    /// The cookie value.
    public var id: String
    /// The token every form that changes something must carry.
    public var csrfToken: String
    /// Whether the access token was given (always true when the console needs no sign-in).
    public var signedIn: Bool
    /// Who acts: the name given at sign-in, else the console's default operator.
    public var operatorName: String?
    var lastSeen: ContinuousClock.Instant

    /// 32 random bytes from the system's cryptographic generator, as hex.
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in String(format: "%016llx", generator.next() as UInt64) }.joined()
    }

    /// Compares secrets in time independent of where they differ.
    static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        var difference = UInt8(x.count == y.count ? 0 : 1)
        for index in 0..<max(x.count, y.count) {
            difference |= (index < x.count ? x[index] : 0) ^ (index < y.count ? y[index] : 0)
        }
        return difference == 0
    }
}
