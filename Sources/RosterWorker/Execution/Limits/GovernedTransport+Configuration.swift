import RosterCore

extension GovernedTransport {
    /// How one vendor instance is governed.
    public struct Configuration: Sendable, Hashable {
        /// The vendor instance's name (`openai`): the circuit breaker's row and messages.
        public var vendor: String
        /// The rate limiter budget: one per vendor credential, shared by every instance that uses
        /// it (see ``GovernedTransport/limiterKey(kind:baseURL:credential:)``). Never the secret.
        public var limiterKey: String
        /// The budget's windows (one ``GCRA`` each), all of which must admit a call.
        public var budget: RateBudget
        /// The longest wait for a slot that a ``CallPriority/revocation`` call accepts.
        public var revocationHorizon: Duration
        /// The longest wait for a slot that a ``CallPriority/provisioning`` call accepts; beyond
        /// it the call fails with ``VendorError/Code/rateLimited`` so its job is requeued.
        public var provisioningHorizon: Duration
        /// The pause after a 429 that says nothing about when to come back.
        public var defaultPause: Duration
        /// The longest pause a vendor's `Retry-After` can impose (a day-long value is a bug,
        /// not a schedule; the breaker and the retry policy take it from there).
        public var maximumPause: Duration
        /// Whether a response announcing an exhausted budget (`x-ratelimit-remaining-requests: 0`
        /// with `x-ratelimit-reset-requests`) pauses everyone until the reset, before the vendor
        /// has to refuse anything.
        public var honoursRateLimitHeaders: Bool
        /// How far the budget's first window may move towards a rate the vendor advertises
        /// (``LearnedBudget``); `nil` learns nothing. Only when ``honoursRateLimitHeaders``.
        public var learning: LearnedBudget?

        /// - Parameters:
        ///   - vendor: The vendor instance's name.
        ///   - limiterKey: The credential's budget key.
        ///   - budget: Its windows.
        ///   - revocationHorizon: Default 60 s.
        ///   - provisioningHorizon: Default 2 s.
        ///   - defaultPause: Default 1 s.
        ///   - maximumPause: Default 10 minutes.
        ///   - honoursRateLimitHeaders: Default `true`.
        ///   - learning: Default `nil` (learn nothing); a worker passes the vendor's
        ///     ``RosterConfiguration/Vendor/effectiveLearning``.
        public init(
            vendor: String,
            limiterKey: String,
            budget: RateBudget,
            revocationHorizon: Duration = .seconds(60),
            provisioningHorizon: Duration = .seconds(2),
            defaultPause: Duration = .seconds(1),
            maximumPause: Duration = .seconds(600),
            honoursRateLimitHeaders: Bool = true,
            learning: LearnedBudget? = nil
        ) {
            self.learning = learning
            self.vendor = vendor
            self.limiterKey = limiterKey
            self.budget = budget
            self.revocationHorizon = revocationHorizon
            self.provisioningHorizon = provisioningHorizon
            self.defaultPause = defaultPause
            self.maximumPause = maximumPause
            self.honoursRateLimitHeaders = honoursRateLimitHeaders
        }

        /// A configuration whose budget has one window, `rate`; the other parameters as in
        /// ``init(vendor:limiterKey:budget:revocationHorizon:provisioningHorizon:defaultPause:maximumPause:honoursRateLimitHeaders:)``.
        public init(
            vendor: String,
            limiterKey: String,
            rate: GCRA,
            revocationHorizon: Duration = .seconds(60),
            provisioningHorizon: Duration = .seconds(2),
            defaultPause: Duration = .seconds(1),
            maximumPause: Duration = .seconds(600),
            honoursRateLimitHeaders: Bool = true
        ) {
            self.init(
                vendor: vendor,
                limiterKey: limiterKey,
                budget: RateBudget(rate),
                revocationHorizon: revocationHorizon,
                provisioningHorizon: provisioningHorizon,
                defaultPause: defaultPause,
                maximumPause: maximumPause,
                honoursRateLimitHeaders: honoursRateLimitHeaders
            )
        }

        /// How long a reconciliation read waits for a slot: half a second, a few slots at the
        /// rates vendors allow. Zero starved it whenever anything else spent the budget at its
        /// rate (each retry found the next slot a fraction of a second ahead again); half a
        /// second still never queues it behind more than a moment of other callers, and a
        /// leaver's reservation made later waits at most the slots it took.
        public static let backgroundHorizon: Duration = .milliseconds(500)

        /// The horizon for calls of `priority`.
        public func horizon(for priority: CallPriority) -> Duration {
            switch priority {
            case .revocation: revocationHorizon
            case .provisioning: provisioningHorizon
            case .background: Self.backgroundHorizon
            }
        }
    }
}
