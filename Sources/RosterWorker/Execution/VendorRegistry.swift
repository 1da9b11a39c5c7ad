import AsyncHTTPClient
import Foundation
import RosterCore
import RosterVendors

/// Every configured vendor instance, built once at startup: connector, HTTP transport with the
/// right credential header, limiter key, rate budget, retry policy and breaker settings.
///
/// Credentials come from the environment variables the configuration names:
/// - OpenAI and PostHog: `Authorization: Bearer <key>`;
/// - Confident AI: `CONFIDENT_API_KEY: <key>`;
/// - Relevance AI: no transport credential (``VendorAuthentication/none``): its client puts
///   `Authorization: <project>:<key>` on each request, which a transport credential would replace.
///
/// A `noop` vendor needs no key: its connector makes no calls (``NoopConnector``).
///
/// The configuration's `organization_id` is used by PostHog (the organization in every path) and
/// Relevance AI (where projects are created), `project_id` by Relevance AI only.
public struct VendorRegistry: Sendable, CustomStringConvertible {
    /// Why the registry cannot be built: one line per problem, naming variables and settings,
    /// never a secret's value. Not retryable: the process should stop and say so.
    public struct Failure: Error, Sendable, Hashable, CustomStringConvertible {
        /// `vendors.<name>…: <problem>` lines.
        public var problems: [String]

        /// `cannot set up vendors: ` and the problems, separated by `; `.
        public var description: String { "cannot set up vendors: " + problems.joined(separator: "; ") }
    }

    private let instances: [String: VendorInstance]

    /// Builds every instance of `configuration.vendors`.
    ///
    /// - Parameters:
    ///   - configuration: The vendors section is used.
    ///   - environment: Where the API keys are read (`ProcessInfo.processInfo.environment`).
    ///   - httpClient: The process's one HTTP client; the caller owns and shuts it down.
    ///   - requestTimeout: The deadline per vendor request (default 30 s).
    /// - Throws: ``Failure`` listing every missing or empty key variable and every invalid
    ///   vendor setting, for all vendors at once.
    public init(
        configuration: RosterConfiguration,
        environment: [String: String],
        httpClient: HTTPClient,
        requestTimeout: Duration = .seconds(30)
    ) throws(Failure) {
        var problems: [String] = []
        var instances: [String: VendorInstance] = [:]
        for (name, vendor) in configuration.vendors.sorted(by: { $0.key < $1.key }) {
            let settingProblems = vendor.problems(name: name)
            problems += settingProblems
            // Secrets mounted from files often end in a newline, which no header may carry.
            let key = (environment[vendor.apiKeyEnv] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            if vendor.kind != .noop, !vendor.apiKeyEnv.isEmpty, key.isEmpty {
                problems.append("vendors.\(name): environment variable \(vendor.apiKeyEnv) is not set or empty")
            }
            guard settingProblems.isEmpty, !key.isEmpty || vendor.kind == .noop else { continue }
            instances[name] = Self.makeInstance(
                name: name,
                vendor: vendor,
                apiKey: key,
                httpClient: httpClient,
                requestTimeout: requestTimeout
            )
        }
        guard problems.isEmpty else { throw Failure(problems: problems) }
        self.instances = instances
    }

    /// The instance called `name`, if configured.
    public subscript(name: String) -> VendorInstance? { instances[name] }

    /// The configured instance names, sorted.
    public var names: [String] { instances.keys.sorted() }

    /// Every instance's secret-free ``VendorInstance/description``, in name order.
    public var description: String {
        "VendorRegistry(" + names.compactMap { instances[$0]?.description }.joined(separator: "; ") + ")"
    }

    // MARK: - Building one instance

    /// The instance for one vendor entry whose settings have been checked.
    static func makeInstance(
        name: String,
        vendor: RosterConfiguration.Vendor,
        apiKey: String,
        httpClient: HTTPClient,
        requestTimeout: Duration
    ) -> VendorInstance {
        let connector: any VendorConnector
        let authentication: VendorAuthentication
        switch vendor.kind {
        case .openai:
            connector = OpenAIConnector(instance: name)
            authentication = .bearer(apiKey)
        case .posthog:
            connector = PostHogConnector(
                instance: name,
                organizationID: vendor.organizationID ?? "",
                baseURL: vendor.baseURL,
                batching: batching(vendor).map {
                    .init(linger: $0.linger, maxItems: min($0.maxItems, PostHogClient.bulkInviteLimit))
                }
            )
            authentication = .bearer(apiKey)
        case .confidentAI:
            connector = ConfidentAIConnector(
                instance: name,
                batching: batching(vendor).map { .init(linger: $0.linger, maxItems: $0.maxItems) },
                acceptanceWindow: vendor.effectiveAcceptanceWindow
            )
            authentication = ConfidentAIClient.authentication(apiKey: apiKey)
        case .relevanceAI:
            connector = RelevanceAIConnector(
                instance: name,
                organizationID: vendor.organizationID ?? "",
                projectID: vendor.projectID ?? "",
                apiKey: apiKey
            )
            authentication = .none
        case .noop:
            connector = NoopConnector(instance: name)
            authentication = .none
        }
        let transport = HTTPVendorTransport(
            configuration: .init(
                baseURL: vendor.baseURL,
                authentication: authentication,
                requestTimeout: requestTimeout
            ),
            httpClient: httpClient
        )
        return VendorInstance(
            name: name,
            kind: vendor.kind,
            connector: connector,
            baseTransport: transport,
            limiterKey: VendorInstance.limiterKey(
                kind: vendor.kind, baseURL: vendor.baseURL, apiKeyEnv: vendor.apiKeyEnv),
            budget: vendor.effectiveBudget,
            learning: vendor.effectiveLearning,
            retry: vendor.effectiveRetry,
            breaker: vendor.effectiveBreaker,
            apiKeyEnv: vendor.apiKeyEnv,
            baseURL: vendor.baseURL
        )
    }

    /// The vendor's batching settings, or `nil` when batching is off.
    private static func batching(_ vendor: RosterConfiguration.Vendor) -> (linger: Duration, maxItems: Int)? {
        let batch = vendor.batch ?? .default
        guard batch.enabled, batch.maxItems > 1 else { return nil }
        return (.milliseconds(max(0, batch.lingerMs)), batch.maxItems)
    }
}
