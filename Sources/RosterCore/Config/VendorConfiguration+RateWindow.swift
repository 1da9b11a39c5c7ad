extension RosterConfiguration {
    /// One window of a vendor's published limit: at most `limit` calls in any `per`, with up to
    /// `burst` at once (``GCRA/init(limit:per:burst:)``). A vendor's `rate_windows` must all admit
    /// a call, together with `rate` when that is given too.
    ///
    /// ```yaml
    /// rate_windows:
    ///   - {limit: 480, per: minute}                 # burst 10
    ///   - {limit: 4800, per: hour, burst: 480}
    /// ```
    ///
    /// `per` is `second`, `minute`, `hour`, `day` or a number of seconds (`per: 2.5`).
    public struct RateWindow: Sendable, Hashable, Codable {
        /// The most calls any window of ``perSeconds`` may hold (1 to 1,000,000,000).
        public var limit: Int
        /// The window's length in seconds.
        public var perSeconds: Double
        /// Calls at once; `nil` means ``defaultBurst`` (10, or `limit` when smaller).
        public var burst: Int?

        /// A window of `limit` calls per `perSeconds` seconds; a `nil` `burst` means ``defaultBurst``.
        public init(limit: Int, perSeconds: Double, burst: Int? = nil) {
            self.limit = limit
            self.perSeconds = perSeconds
            self.burst = burst
        }

        /// The burst when none is given: 10 (the vendors' default `rate` burst), at most `limit`.
        public static let defaultBurst = 10

        /// `burst`, or ``defaultBurst`` capped at `limit`.
        public var effectiveBurst: Int { burst ?? min(limit, Self.defaultBurst) }

        /// The window's length, to the microsecond.
        public var period: Duration { .microseconds(Int64((perSeconds * 1_000_000).rounded())) }

        /// This window as the limiter's arithmetic.
        ///
        /// - Important: Needs the ranges ``RosterConfiguration/Vendor/problems(name:)`` checks;
        ///   ``GCRA`` traps otherwise.
        public var gcra: GCRA { GCRA(limit: limit, per: period, burst: effectiveBurst) }

        /// The named lengths `per` accepts.
        public static let namedPeriods: [String: Double] = ["second": 1, "minute": 60, "hour": 3_600, "day": 86_400]

        enum CodingKeys: String, CodingKey {
            case limit, per, burst
        }

        /// Decodes `{limit, per, burst}`, `per` being a name in ``namedPeriods`` or a number of seconds.
        ///
        /// - Throws: `DecodingError` when `limit` or `per` is missing or `per` is neither.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            limit = try c.decode(Int.self, forKey: .limit)
            burst = try c.decodeIfPresent(Int.self, forKey: .burst)
            if let name = try? c.decode(String.self, forKey: .per) {
                guard let seconds = Self.namedPeriods[name] ?? Double(name) else {
                    throw DecodingError.dataCorruptedError(
                        forKey: .per, in: c,
                        debugDescription:
                            "per must be second, minute, hour, day or a number of seconds, not \"\(name)\""
                    )
                }
                perSeconds = seconds
            } else {
                perSeconds = try c.decode(Double.self, forKey: .per)
            }
        }

        /// Encodes `per` as its number of seconds, never by name.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(limit, forKey: .limit)
            try c.encode(perSeconds, forKey: .per)
            try c.encodeIfPresent(burst, forKey: .burst)
        }

        /// The ranges this window must be in, as `<path>.limit` etc.
        func settingRanges(path: String) -> [SettingRange] {
            [
                SettingRange("\(path).limit", limit, 1...1_000_000_000, "calls per window"),
                SettingRange("\(path).per", perSeconds, 0.001...86_400, "seconds; a millisecond to a day"),
                SettingRange("\(path).burst", effectiveBurst, 1...max(limit, 1), "calls at once, at most limit"),
            ]
        }
    }
}
