/// Full-jitter exponential backoff (AWS Architecture Blog, "Exponential Backoff and Jitter"):
/// attempt n waits a uniformly random time in [0, min(cap, base × 2^n)].
public enum Backoff {
    public static func ceiling(attempt: Int, base: Duration, cap: Duration) -> Duration {
        let exponent = min(max(attempt, 0), 40)
        let grown = base * (1 << exponent)
        return min(cap, grown)
    }

    public static func fullJitter<G: RandomNumberGenerator>(attempt: Int, base: Duration, cap: Duration, using generator: inout G) -> Duration {
        let ceilingMicros = ceiling(attempt: attempt, base: base, cap: cap).microseconds
        guard ceilingMicros > 0 else { return .zero }
        return .microseconds(Int64.random(in: 0...ceilingMicros, using: &generator))
    }

    public static func fullJitter(attempt: Int, base: Duration, cap: Duration) -> Duration {
        var generator = SystemRandomNumberGenerator()
        return fullJitter(attempt: attempt, base: base, cap: cap, using: &generator)
    }
}
