/// The mass-offboarding brake, as a pure function: given the configuration, how many offboardings
/// were already recorded in the sliding window and how many employees are known, which of `n` new
/// offboardings run (`queued`) and which are `held` for a person to decide.
///
/// Rules (README, "The mass-offboarding brake"):
/// - the **limit** is the larger of `brake.offboardings` and `brake.share` of the known employees,
///   rounded up, so it grows with the company;
/// - **every** offboarding recorded in the window counts, whatever became of it (queued, run,
///   held, released or cancelled): a burst of 1,000 holds 975, and it does not let 25 more through
///   every hour while the burst is still in the window. After a trip, further offboardings are
///   held too until the burst has left the window; operators release them;
/// - the new offboardings run in the order given until the limit is reached; the rest are held,
///   each with the same ``Decision/reason`` (counts only, no personal data);
/// - a disabled brake holds nothing.
///
/// The worker asks through `OffboardingBrakeGate` (RosterWorker), which reads the counts under a
/// lock in the transaction that records the offboardings.
public struct OffboardingBrake: Sendable, Hashable {
    /// What becomes of one new offboarding.
    public enum Verdict: Sendable, Hashable {
        /// Created `queued`: it runs.
        case run
        /// Created `held`, with the reason stored on the job (`hold_reason`).
        case hold(reason: String)

        /// The status to create the job with.
        public var status: JobStatus {
            switch self {
            case .run: .queued
            case .hold: .held
            }
        }

        /// The reason to store with a held job; `nil` for one that runs.
        public var holdReason: String? {
            switch self {
            case .run: nil
            case .hold(let reason): reason
            }
        }
    }

    /// The brake's answer for one batch of new offboardings.
    public struct Decision: Sendable, Hashable {
        /// One verdict per new offboarding, in the order they were given.
        public var verdicts: [Verdict]
        /// Offboardings recorded in the window before these, held ones included.
        public var recorded: Int
        /// The limit in force: the larger of `brake.offboardings` and the share of ``knownEmployees``.
        public var limit: Int
        /// The known employees the limit was computed from; `nil` when the count was not needed
        /// (the batch stays within `brake.offboardings`) or the brake is off.
        public var knownEmployees: Int?
        /// Why the held ones are held (the same sentence for each); `nil` when none is.
        public var reason: String?

        /// A decision as ``OffboardingBrake/decide(recorded:knownEmployees:newOffboardings:)`` makes it.
        public init(verdicts: [Verdict], recorded: Int, limit: Int, knownEmployees: Int?, reason: String?) {
            self.verdicts = verdicts
            self.recorded = recorded
            self.limit = limit
            self.knownEmployees = knownEmployees
            self.reason = reason
        }

        /// How many of the new offboardings run.
        public var admitted: Int { verdicts.count { $0 == .run } }
        /// How many of the new offboardings are held.
        public var held: Int { verdicts.count - admitted }
        /// Whether the brake held anything (a trip).
        public var isTripped: Bool { held > 0 }
    }

    /// The `brake:` settings the brake applies.
    public var configuration: RosterConfiguration.Brake

    /// A brake with the `brake:` settings `configuration`.
    public init(configuration: RosterConfiguration.Brake) {
        self.configuration = configuration
    }

    /// Whether ``decide(recorded:knownEmployees:newOffboardings:)`` needs the number of known
    /// employees: only when the offboardings would pass `brake.offboardings`, below which the
    /// share cannot matter. Counting employees costs a pass over the jobs, so a normal week never
    /// pays it.
    public func needsKnownEmployees(recorded: Int, newOffboardings: Int) -> Bool {
        configuration.enabled && newOffboardings > 0 && recorded + newOffboardings > configuration.offboardings
    }

    /// The limit for `knownEmployees`: the larger of `brake.offboardings` and `brake.share` of
    /// them, rounded up (`nil` known employees: `brake.offboardings`).
    public func limit(knownEmployees: Int?) -> Int {
        guard let knownEmployees, knownEmployees > 0 else { return configuration.offboardings }
        // A hair below the exact product before rounding up: 0.05 × 400 is 20.000000000000004 in binary.
        let share = (configuration.share * Double(knownEmployees) - 1e-9).rounded(.up)
        return max(configuration.offboardings, Int(min(share, Double(Int.max / 2))))
    }

    /// Which of `newOffboardings` run and which are held.
    ///
    /// - Parameters:
    ///   - recorded: offboardings already recorded in the window (held, cancelled and finished
    ///     ones included), not counting the new ones.
    ///   - knownEmployees: the employees the share is taken of; may be `nil` when
    ///     ``needsKnownEmployees(recorded:newOffboardings:)`` says it is not needed.
    ///   - newOffboardings: how many offboardings are being recorded now.
    public func decide(recorded: Int, knownEmployees: Int?, newOffboardings: Int) -> Decision {
        let count = max(0, newOffboardings)
        guard configuration.enabled else {
            return Decision(
                verdicts: Array(repeating: .run, count: count), recorded: recorded, limit: .max, knownEmployees: nil,
                reason: nil)
        }
        let limit = limit(knownEmployees: knownEmployees)
        let admitted = min(count, max(0, limit - max(0, recorded)))
        guard admitted < count else {
            return Decision(
                verdicts: Array(repeating: .run, count: count), recorded: recorded, limit: limit,
                knownEmployees: knownEmployees, reason: nil)
        }
        let reason = reason(total: max(0, recorded) + count, limit: limit, knownEmployees: knownEmployees ?? 0)
        let verdicts =
            Array(repeating: Verdict.run, count: admitted)
            + Array(repeating: Verdict.hold(reason: reason), count: count - admitted)
        return Decision(
            verdicts: verdicts, recorded: recorded, limit: limit, knownEmployees: knownEmployees, reason: reason)
    }

    /// "mass-offboarding brake: 30 offboardings in 1 h exceed the limit of 25 (the larger of 25 and
    /// 5 % of 400 known employees); release with `roster holds release` or cancel with `roster holds cancel`".
    func reason(total: Int, limit: Int, knownEmployees: Int) -> String {
        let employees = knownEmployees == 1 ? "1 known employee" : "\(knownEmployees) known employees"
        return
            "mass-offboarding brake: \(total) offboardings in \(Self.describe(seconds: configuration.windowSeconds)) exceed the limit of \(limit) "
            + "(the larger of \(configuration.offboardings) and \(Self.describe(share: configuration.share)) of \(employees)); "
            + "release with `roster holds release` or cancel with `roster holds cancel`"
    }

    /// `3600` → `1 h`, `5400` → `90 min`, `86400` → `1 d`, `90` → `90 s`.
    static func describe(seconds: Int) -> String {
        if seconds > 0, seconds % 86_400 == 0 { return "\(seconds / 86_400) d" }
        if seconds > 0, seconds % 3_600 == 0 { return "\(seconds / 3_600) h" }
        if seconds > 0, seconds % 60 == 0 { return "\(seconds / 60) min" }
        return "\(seconds) s"
    }

    /// `0.05` → `5 %`, `0.005` → `0.5 %`, `0.0001` → `0.01 %`.
    static func describe(share: Double) -> String {
        let percent = (share * 100 * 100).rounded() / 100
        if percent.rounded() == percent { return "\(Int(percent)) %" }
        var text = String(percent)
        while text.hasSuffix("0") { text.removeLast() }
        return "\(text) %"
    }
}
