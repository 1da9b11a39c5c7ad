import AsyncHTTPClient
import Foundation
import Logging
import RosterCore
import RosterTesting
import RosterVendors
import RosterWorker
import Testing

@Suite struct VendorRegistryTests {
    typealias Vendor = RosterConfiguration.Vendor

    static let secrets = [
        "OPENAI_ADMIN_KEY": "sk-admin-SECRET-openai",
        "POSTHOG_API_KEY": "phx_SECRET_posthog",
        "CONFIDENT_API_KEY": "confident_us_SECRET",
        "RELEVANCE_API_KEY": "SECRET-relevance\n",
    ]

    static func configuration(
        openai: String = "https://api.openai.com/v1/",
        posthog: String = "https://us.posthog.com",
        confident: String = "https://api.confident-ai.com",
        relevance: String = "https://api-f1db6c.stack.tryrelevance.com/latest",
        posthogOrganization: String = "org-ph",
        relevanceOrganization: String = "org-rl",
        relevanceProject: String = "proj-rl"
    ) -> RosterConfiguration {
        RosterConfiguration(vendors: [
            "openai": Vendor(
                kind: .openai, baseURL: openai, apiKeyEnv: "OPENAI_ADMIN_KEY",
                retry: .init(baseMs: 50, capMs: 1000, maxAttempts: 3)
            ),
            "posthog": Vendor(
                kind: .posthog, baseURL: posthog, apiKeyEnv: "POSTHOG_API_KEY", organizationID: posthogOrganization,
                breaker: .init(failureThreshold: 2, openSeconds: 5)
            ),
            "confident": Vendor(kind: .confidentAI, baseURL: confident, apiKeyEnv: "CONFIDENT_API_KEY"),
            "relevance": Vendor(
                kind: .relevanceAI, baseURL: relevance, apiKeyEnv: "RELEVANCE_API_KEY",
                organizationID: relevanceOrganization, projectID: relevanceProject,
                rate: .init(requestsPerSecond: 2, burst: 4)
            ),
        ])
    }

    static func authentication(_ instance: VendorInstance?) -> String {
        guard let transport = instance?.baseTransport as? HTTPVendorTransport else { return "not HTTP" }
        switch transport.configuration.authentication {
        case .none: return "none"
        case .bearer(let token): return "bearer \(token)"
        case .header(let name, let value): return "\(name): \(value)"
        case .provider: return "provider"
        }
    }

    @Test func buildsEveryKindWithItsCredentialHeaderAndSettings() throws {
        let registry = try VendorRegistry(
            configuration: Self.configuration(),
            environment: Self.secrets,
            httpClient: .shared
        )
        #expect(registry.names == ["confident", "openai", "posthog", "relevance"])
        #expect(Self.authentication(registry["openai"]) == "bearer sk-admin-SECRET-openai")
        #expect(Self.authentication(registry["posthog"]) == "bearer phx_SECRET_posthog")
        #expect(Self.authentication(registry["confident"]) == "CONFIDENT_API_KEY: confident_us_SECRET")
        #expect(Self.authentication(registry["relevance"]) == "none", "its client sets Authorization per request")
        #expect(registry["openai"]?.connector is OpenAIConnector)
        #expect(registry["posthog"]?.connector is PostHogConnector)
        #expect(registry["confident"]?.connector is ConfidentAIConnector)
        #expect(registry["relevance"]?.connector is RelevanceAIConnector)
        #expect(registry["relevance"]?.connector.instance == "relevance")
        #expect(registry["nowhere"] == nil)

        let openai = try #require(registry["openai"])
        #expect(openai.limiterKey == "openai https://api.openai.com/v1 OPENAI_ADMIN_KEY")
        #expect(openai.budget == RateBudget(GCRA(requestsPerSecond: 5, burst: 10)))
        #expect(openai.retry == RetryPolicy(base: .milliseconds(50), cap: .seconds(1), maxAttempts: 3))
        #expect(openai.breaker == .default)
        #expect(registry["posthog"]?.budget.windows.count == 2, "PostHog's 480/minute and 4,800/hour")
        #expect(registry["posthog"]?.breaker == .init(failureThreshold: 2, openSeconds: 5))
        #expect(registry["relevance"]?.budget == RateBudget(GCRA(requestsPerSecond: 2, burst: 4)))
        #expect(registry["confident"]?.retry == RetryPolicy())
    }

    @Test func instancesSharingACredentialShareALimiterRow() throws {
        var configuration = Self.configuration()
        configuration.vendors["openai-eu"] = Vendor(
            kind: .openai, baseURL: "https://api.openai.com/v1", apiKeyEnv: "OPENAI_ADMIN_KEY"
        )
        let registry = try VendorRegistry(configuration: configuration, environment: Self.secrets, httpClient: .shared)
        #expect(registry["openai-eu"]?.limiterKey == registry["openai"]?.limiterKey)
        #expect(registry["posthog"]?.limiterKey != registry["openai"]?.limiterKey)
    }

    @Test func missingKeysAndBadSettingsAreOneStartupErrorNamingVariablesNotValues() {
        var environment = Self.secrets
        environment["POSTHOG_API_KEY"] = nil
        environment["CONFIDENT_API_KEY"] = "  "
        #expect {
            _ = try VendorRegistry(
                configuration: Self.configuration(relevanceProject: ""),
                environment: environment,
                httpClient: .shared
            )
        } throws: { error in
            guard let failure = error as? VendorRegistry.Failure else { return false }
            return failure.problems == [
                "vendors.confident: environment variable CONFIDENT_API_KEY is not set or empty",
                "vendors.posthog: environment variable POSTHOG_API_KEY is not set or empty",
                "vendors.relevance.project_id: required for relevance-ai (it authenticates account-wide calls)",
            ] && !failure.description.contains("SECRET")
        }
    }

    @Test func descriptionsNeverContainASecret() throws {
        let registry = try VendorRegistry(
            configuration: Self.configuration(),
            environment: Self.secrets,
            httpClient: .shared
        )
        var texts = [String(describing: registry), String(reflecting: registry)]
        for name in registry.names {
            let instance = try #require(registry[name])
            var dumped = ""
            dump(instance, to: &dumped)
            texts += [String(describing: instance), String(reflecting: instance), "\(instance)", dumped]
            texts += [String(describing: instance.connector), String(describing: instance.baseTransport)]
        }
        for text in texts {
            #expect(!text.contains("SECRET"), "\(text)")
        }
        #expect(String(describing: registry["openai"]!).contains("$OPENAI_ADMIN_KEY"))
    }

    /// Each instance's connector, over its own transport, gets past the fake's credential check:
    /// the header is the right one for the kind (and Relevance AI's per-request header survives);
    /// with wrong keys every fake refuses, so the check means something.
    @Test func everyInstanceAuthenticatesAgainstItsFake() async throws {
        let openai = FakeOpenAIServer()
        let posthog = FakePostHogServer()
        let confident = FakeConfidentAIServer()
        let relevance = FakeRelevanceAIServer()
        let configuration = Self.configuration(
            openai: try await openai.start().absoluteString,
            posthog: try await posthog.start().absoluteString,
            confident: try await confident.start().absoluteString,
            relevance: try await relevance.start().absoluteString,
            posthogOrganization: posthog.organizationID,
            relevanceOrganization: relevance.organizationID,
            relevanceProject: relevance.defaultProjectID
        )
        let right = [
            "OPENAI_ADMIN_KEY": openai.adminKey, "POSTHOG_API_KEY": posthog.personalAPIKey,
            "CONFIDENT_API_KEY": confident.apiKey, "RELEVANCE_API_KEY": relevance.apiKey,
        ]
        let wrong = right.mapValues { _ in "wrong-key" }
        let accepted = await Self.ensureProjectEverywhere(configuration, environment: right)
        let refused = await Self.ensureProjectEverywhere(configuration, environment: wrong)
        for fake in [openai.stop, posthog.stop, confident.stop, relevance.stop] { await fake() }
        #expect(accepted == ["confident": true, "openai": true, "posthog": true, "relevance": true])
        #expect(refused == ["confident": false, "openai": false, "posthog": false, "relevance": false])
    }

    /// Runs `ensure_project` through every instance's connector and bare transport: name → success.
    static func ensureProjectEverywhere(
        _ configuration: RosterConfiguration,
        environment: [String: String]
    ) async -> [String: Bool] {
        guard
            let registry = try? VendorRegistry(
                configuration: configuration, environment: environment, httpClient: .shared)
        else { return [:] }
        var logger = Logger(label: "roster.test.registry")
        logger.logLevel = .warning
        var outcomes: [String: Bool] = [:]
        for name in registry.names {
            guard let instance = registry[name] else { continue }
            let step = VendorStep(vendor: name, action: .ensureProject, project: "registry-check")
            let context = StepContext(
                transport: instance.baseTransport, state: StepState(), logger: logger,
                checkpoint: { _ in }, audit: { _ in }
            )
            let employee = Employee(id: "E1", email: "e1@example.com")
            outcomes[name] = (try? await instance.connector.run(step, for: employee, context: context)) != nil
        }
        return outcomes
    }
}
