/// Full-jitter exponential backoff (AWS Architecture Blog, "Exponential Backoff and Jitter"):
/// attempt n waits a uniformly random time in [0, min(cap, base × 2^n)].
public enum Backoff {
    /// The most attempt `attempt` may wait: `min(cap, base × 2^attempt)`, counting from 0 (a negative
    /// attempt counts as 0; growth stops at 2^40).
    public static func ceiling(attempt: Int, base: Duration, cap: Duration) -> Duration {
        let exponent = min(max(attempt, 0), 40)
        let grown = base * (1 << exponent)
        return min(cap, grown)
    }

    /// A wait drawn uniformly from zero to ``ceiling(attempt:base:cap:)``, to the microsecond, with
    /// `generator` (tests pass a seeded one).
    public static func fullJitter<G: RandomNumberGenerator>(
        attempt: Int, base: Duration, cap: Duration, using generator: inout G
    ) -> Duration {
        let ceilingMicros = ceiling(attempt: attempt, base: base, cap: cap).microseconds
        guard ceilingMicros > 0 else { return .zero }
        return .microseconds(Int64.random(in: 0...ceilingMicros, using: &generator))
    }

    /// ``fullJitter(attempt:base:cap:using:)`` with the system's random number generator.
    public static func fullJitter(attempt: Int, base: Duration, cap: Duration) -> Duration {
        var generator = SystemRandomNumberGenerator()
        return fullJitter(attempt: attempt, base: base, cap: cap, using: &generator)
    }
}
