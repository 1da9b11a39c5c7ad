import RosterCore
import RosterVendors

/// One configured vendor instance, ready to run steps: its connector, the plain HTTP transport
/// the executor wraps with rate limiting and circuit breaking, and the settings for those.
///
/// - Important: ``baseTransport`` and, for Relevance AI, ``connector`` hold the API key. The
///   instance's `description`, `debugDescription` and mirror show neither (they print the
///   variable's name), so an instance may be logged or dumped; its parts must not be taken
///   apart for logging.
public struct VendorInstance: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The configured name (a key of `vendors:`).
    public let name: String
    /// Which API it speaks.
    public let kind: RosterConfiguration.Vendor.Kind
    /// Carries out steps for this instance.
    public let connector: any VendorConnector
    /// The bare HTTP transport: base URL and credential. Not governed: the executor wraps it with
    /// the shared rate limiter and the breaker before handing it to ``connector``.
    public let baseTransport: any VendorTransport
    /// The shared limiter row this instance draws from: `kind base-url api-key-env`. Instances
    /// with the same credential variable against the same URL share one budget; the key itself is
    /// never part of it.
    public let limiterKey: String
    /// The instance's rate budget: its windows (configured or the kind's default).
    public let budget: RateBudget
    /// How far the budget's first window may move towards a rate the vendor advertises.
    public let learning: LearnedBudget
    /// When and how often failed steps are retried.
    public let retry: RetryPolicy
    /// When the instance's circuit breaker opens and for how long.
    public let breaker: RosterConfiguration.Breaker
    /// The environment variable holding the API key (its name only).
    public let apiKeyEnv: String
    /// The configured base URL.
    public let baseURL: String

    /// - Parameters:
    ///   - name: The configured instance name.
    ///   - kind: The vendor kind.
    ///   - connector: The connector for steps.
    ///   - baseTransport: The ungoverned HTTP transport.
    ///   - limiterKey: The shared limiter row's key (never containing a secret).
    ///   - budget: The rate budget's windows.
    ///   - learning: The learning bound (default: none above the first window's configured rate).
    ///   - retry: The retry policy.
    ///   - breaker: The breaker settings.
    ///   - apiKeyEnv: The name of the key's environment variable.
    ///   - baseURL: The base URL.
    public init(
        name: String,
        kind: RosterConfiguration.Vendor.Kind,
        connector: any VendorConnector,
        baseTransport: any VendorTransport,
        limiterKey: String,
        budget: RateBudget,
        learning: LearnedBudget? = nil,
        retry: RetryPolicy,
        breaker: RosterConfiguration.Breaker,
        apiKeyEnv: String,
        baseURL: String
    ) {
        self.name = name
        self.kind = kind
        self.connector = connector
        self.baseTransport = baseTransport
        self.limiterKey = limiterKey
        self.budget = budget
        self.learning = learning ?? LearnedBudget(shortestInterval: budget.windows[0].emissionInterval)
        self.retry = retry
        self.breaker = breaker
        self.apiKeyEnv = apiKeyEnv
        self.baseURL = baseURL
    }

    /// The limiter key for a vendor of `kind` at `baseURL` using the key in `apiKeyEnv`: the
    /// kind, the base URL without trailing `/`, and the variable's *name*.
    public static func limiterKey(kind: RosterConfiguration.Vendor.Kind, baseURL: String, apiKeyEnv: String) -> String {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        return "\(kind.rawValue) \(base) \(apiKeyEnv)"
    }

    /// The name, kind, base URL, key variable (never the key), each rate window, retry attempts
    /// and breaker settings, on one line; safe to log.
    public var description: String {
        "\(name) (\(kind.rawValue) at \(baseURL), key from $\(apiKeyEnv), "
            + budget.windows.map { "\($0.emissionInterval) between requests, burst \($0.burst), " }.joined()
            + "\(retry.maxAttempts) attempts, "
            + "breaker \(breaker.failureThreshold) failures / \(breaker.openDuration))"
    }

    /// ``description`` inside `VendorInstance(…)`; no secret either.
    public var debugDescription: String { "VendorInstance(\(description))" }

    /// Only the fields that carry no secret.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "name": name, "kind": kind.rawValue, "baseURL": baseURL, "apiKeyEnv": apiKeyEnv,
                "limiterKey": limiterKey, "budget": budget, "learning": learning, "retry": retry, "breaker": breaker,
            ],
            displayStyle: .struct
        )
    }
}
