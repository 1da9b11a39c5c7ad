extension RosterConfiguration {
    /// Reconciliation and verified absence (`reconcile:`).
    public struct Reconcile: Sendable, Hashable, Codable {
        /// Whether this process runs the `reconcile` service (default true). Passes run in one
        /// process at a time cluster-wide whatever this says.
        public var enabled: Bool
        /// Seconds between passes over each vendor (default 3600).
        public var intervalSeconds: Int
        /// What a pass does about `missing_grant`, `wrong_role` and `extra_grant`: `report`
        /// (default) or `fix` (a change job at that vendor). A leaver's access is always fixed;
        /// an unknown account is always only reported.
        public var drift: Reaction
        /// Seconds after an offboarding finishes before each vendor is checked again (default 300).
        public var verifyAfterSeconds: Int

        /// Reconciliation settings built in code, with the same defaults as the file.
        public init(
            enabled: Bool = true, intervalSeconds: Int = 3_600, drift: Reaction = .report, verifyAfterSeconds: Int = 300
        ) {
            self.enabled = enabled
            self.intervalSeconds = intervalSeconds
            self.drift = drift
            self.verifyAfterSeconds = verifyAfterSeconds
        }

        enum CodingKeys: String, CodingKey {
            case enabled, drift
            case intervalSeconds = "interval_seconds"
            case verifyAfterSeconds = "verify_after_seconds"
        }

        /// Decodes `reconcile:`; fields left out take their defaults.
        public init(from decoder: any Decoder) throws {
            let d = Reconcile()
            let c = try decoder.container(keyedBy: CodingKeys.self)
            enabled = try c.decodeIfPresent(Bool.self, forKey: .enabled) ?? d.enabled
            intervalSeconds = try c.decodeIfPresent(Int.self, forKey: .intervalSeconds) ?? d.intervalSeconds
            drift = try c.decodeIfPresent(Reaction.self, forKey: .drift) ?? d.drift
            verifyAfterSeconds = try c.decodeIfPresent(Int.self, forKey: .verifyAfterSeconds) ?? d.verifyAfterSeconds
        }
    }

    /// The mass-offboarding brake (`brake:`): offboardings recorded beyond the limit in a sliding
    /// window are created `held` for a person to release or cancel (``OffboardingBrake``).
    public struct Brake: Sendable, Hashable, Codable {
        /// Whether the brake is on (default true). Off, every offboarding runs at once.
        public var enabled: Bool
        /// The smallest limit: this many offboardings in the window always run (default 25).
        public var offboardings: Int
        /// The sliding window, in seconds (default 3600).
        public var windowSeconds: Int
        /// The share of known employees that may be offboarded in the window (default 0.05). The
        /// limit is the larger of `offboardings` and this share of the known employees (rounded
        /// up), so it grows with the company. Known employees are counted as the worker's
        /// `OffboardingBrakeGate` documents: people with a job recorded before the window whose
        /// latest onboarding or offboarding is not an offboarding.
        public var share: Double

        /// Brake settings built in code, with the same defaults as the file.
        public init(enabled: Bool = true, offboardings: Int = 25, windowSeconds: Int = 3_600, share: Double = 0.05) {
            self.enabled = enabled
            self.offboardings = offboardings
            self.windowSeconds = windowSeconds
            self.share = share
        }

        enum CodingKeys: String, CodingKey {
            case enabled, offboardings, share
            case windowSeconds = "window_seconds"
        }

        /// Decodes `brake:`; fields left out take their defaults.
        public init(from decoder: any Decoder) throws {
            let d = Brake()
            let c = try decoder.container(keyedBy: CodingKeys.self)
            enabled = try c.decodeIfPresent(Bool.self, forKey: .enabled) ?? d.enabled
            offboardings = try c.decodeIfPresent(Int.self, forKey: .offboardings) ?? d.offboardings
            windowSeconds = try c.decodeIfPresent(Int.self, forKey: .windowSeconds) ?? d.windowSeconds
            share = try c.decodeIfPresent(Double.self, forKey: .share) ?? d.share
        }
    }
}
