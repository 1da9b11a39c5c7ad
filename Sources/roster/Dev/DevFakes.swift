import Foundation
import RosterFakes

/// The four fake vendor servers of `roster dev`, and the configuration pointing at them.
struct DevFakes: Sendable {
    let openai: FakeOpenAIServer
    let posthog: FakePostHogServer
    let confident: FakeConfidentAIServer
    let relevance: FakeRelevanceAIServer
    let urls: [String: String]

    static func start() async throws -> DevFakes {
        let openai = FakeOpenAIServer()
        let posthog = FakePostHogServer()
        let confident = FakeConfidentAIServer()
        let relevance = FakeRelevanceAIServer()
        var urls: [String: String] = [:]
        urls["openai"] = try await openai.start().absoluteString
        urls["posthog"] = try await posthog.start().absoluteString
        urls["confident"] = try await confident.start().absoluteString
        urls["relevance"] = try await relevance.start().absoluteString
        return DevFakes(openai: openai, posthog: posthog, confident: confident, relevance: relevance, urls: urls)
    }

    /// The environment variables holding the fakes' keys (the configuration names them).
    var keys: [(String, String)] {
        [
            ("FAKE_OPENAI_KEY", openai.adminKey), ("FAKE_POSTHOG_KEY", posthog.personalAPIKey),
            ("FAKE_CONFIDENT_KEY", confident.apiKey), ("FAKE_RELEVANCE_KEY", relevance.apiKey),
        ]
    }

    func configuration(brokers: String, databaseURL: String, listen: String) -> String {
        """
        # Written by roster dev: every vendor is a fake on 127.0.0.1; keys are in the environment.
        kafka: {brokers: "\(brokers)", topic: hr.events, group: roster-dev, dlq_topic: hr.events.dlq, session_timeout_ms: 6000}
        database: {url: "\(databaseURL)", pool_size: 4}
        http: {listen: "\(listen)", metrics_refresh_ms: 1000}
        executor: {concurrency: 8, poll_ms: 250}
        vendors:
          openai:    {kind: openai,       base_url: "\(urls["openai"]!)",    api_key_env: FAKE_OPENAI_KEY}
          posthog:   {kind: posthog,      base_url: "\(urls["posthog"]!)",   api_key_env: FAKE_POSTHOG_KEY, organization_id: "\(posthog.organizationID)"}
          # A short acceptance window (about 86 s), so that waiting joiners are looked at every few seconds.
          confident: {kind: confident-ai, base_url: "\(urls["confident"]!)", api_key_env: FAKE_CONFIDENT_KEY, acceptance_window_days: 0.001}
          relevance: {kind: relevance-ai, base_url: "\(urls["relevance"]!)", api_key_env: FAKE_RELEVANCE_KEY,
                      organization_id: "\(relevance.organizationID)", project_id: "\(relevance.snapshot.defaultProjectID)"}
        policy:
          - {match: {department: Research}, grant: [{vendor: openai, project: research-ai, role: member}]}
        # Each offboarding is verified at every vendor 2 s after it finishes (the default is 5 minutes).
        reconcile: {verify_after_seconds: 2}

        """
    }

    /// The examples' new people accept their Confident AI organisation invitations about a second
    /// after they are sent (a person would take longer): their project access follows on the
    /// job's next re-check. Cancel the task to stop.
    func acceptConfidentInvitations() -> Task<Void, Never> {
        let confident = self.confident
        return Task {
            while !Task.isCancelled {
                try? confident.acceptAllInvitations()
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    func stop() async {
        await openai.stop()
        await posthog.stop()
        await confident.stop()
        await relevance.stop()
    }
}
