/// Whether a new offboarding runs at once or waits for a person (the mass-offboarding brake).
enum HoldDecision: Sendable, Hashable {
    case run
    case held(reason: String)

    var isHeld: Bool {
        if case .held = self { return true }
        return false
    }

    var reason: String? {
        if case .held(let reason) = self { return reason }
        return nil
    }
}
