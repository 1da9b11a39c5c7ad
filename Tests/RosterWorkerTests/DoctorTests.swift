import Foundation
import RosterTesting
import Testing

/// `roster doctor` against the four fake vendors: keys, real roles, configured roles resolved
/// (with suggestions), budgets, exit codes and the JSON shape.
@Suite(.timeLimit(.minutes(5)))
struct DoctorTests {
    /// The four fakes and a configuration naming them.
    final class Vendors: Sendable {
        let openai = FakeOpenAIServer(adminKey: VendorFixture.keys["openai"]!)
        let posthog = FakePostHogServer(personalAPIKey: VendorFixture.keys["posthog"]!)
        let confident = FakeConfidentAIServer(apiKey: VendorFixture.keys["confident"]!)
        let relevance = FakeRelevanceAIServer(apiKey: VendorFixture.keys["relevance"]!)

        func start() async throws -> [String: String] {
            var r = try await relevance.start().absoluteString
            while r.hasSuffix("/") { r.removeLast() }
            return [
                "openai": try await openai.start().absoluteString, "posthog": try await posthog.start().absoluteString,
                "confident": try await confident.start().absoluteString, "relevance": r,
            ]
        }

        func stop() async {
            await openai.stop()
            await posthog.stop()
            await confident.stop()
            await relevance.stop()
        }
    }

    /// Runs `roster doctor ARGUMENTS` with a configuration whose Confident AI entry ends in
    /// `confidentExtra` and whose policy grants `policy` (vendor, project, role).
    static func doctor(
        _ arguments: [String] = [], confidentExtra: String = "", policy: [(String, String, String)],
        wrongKeys: Set<String> = [], body: (Vendors) async throws -> Void = { _ in }
    ) async throws -> (status: Int32, output: String) {
        let vendors = Vendors()
        let urls = try await vendors.start()
        do {
            let result = try await run(
                arguments, vendors: vendors, urls: urls, policy: policy, confidentExtra: confidentExtra,
                wrongKeys: wrongKeys, body: body)
            await vendors.stop()
            return result
        } catch {
            await vendors.stop()
            throw error
        }
    }

    private static func run(
        _ arguments: [String], vendors: Vendors, urls: [String: String], policy: [(String, String, String)],
        confidentExtra: String, wrongKeys: Set<String>, body: (Vendors) async throws -> Void
    ) async throws -> (status: Int32, output: String) {
        try await body(vendors)
        let rules = policy.map {
            "  - {match: {department: Research}, grant: [{vendor: \($0.0), project: \($0.1), role: \($0.2)}]}"
        }
        let yaml = """
            vendors:
              openai: {kind: openai, base_url: "\(urls["openai"]!)", api_key_env: ROSTER_TEST_OPENAI_KEY, rate: {requests_per_second: 5, burst: 10}}
              posthog: {kind: posthog, base_url: "\(urls["posthog"]!)", organization_id: "\(vendors.posthog.organizationID)", api_key_env: ROSTER_TEST_POSTHOG_KEY}
              confident: {kind: confident-ai, base_url: "\(urls["confident"]!)", api_key_env: ROSTER_TEST_CONFIDENT_KEY\(confidentExtra)}
              relevance: {kind: relevance-ai, base_url: "\(urls["relevance"]!)", organization_id: "\(vendors.relevance.organizationID)",
                          project_id: "\(vendors.relevance.defaultProjectID)", api_key_env: ROSTER_TEST_RELEVANCE_KEY}
            policy:
            \(rules.joined(separator: "\n"))

            """
        let file = TestWorkDirectory.url.appendingPathComponent("doctor-\(UUID().uuidString.prefix(8)).yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        var environment = ["ROSTER_CONFIG": file.path, "NO_COLOR": "1"]
        for (vendor, key) in VendorFixture.keys {
            environment["ROSTER_TEST_\(vendor.uppercased())_KEY"] = wrongKeys.contains(vendor) ? key + "-wrong" : key
        }
        return try await RosterProcess.run(["doctor"] + arguments, environment: environment, timeout: .seconds(60))
    }

    static let goodPolicy = [
        ("openai", "research-ai", "member"), ("posthog", "research", "admin"), ("confident", "research", "member"),
        ("relevance", "research", "viewer"),
    ]

    static func json(_ output: String) throws -> [String: Any] {
        let start = try #require(output.firstIndex(of: "{"))
        return try #require(try JSONSerialization.jsonObject(with: Data(output[start...].utf8)) as? [String: Any])
    }

    @Test func allGoodExitsZero() async throws {
        let result = try await Self.doctor(policy: Self.goodPolicy) { vendors in
            _ = try vendors.confident.addProject(name: "research")
        }
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("all vendors ok"), "\(result.output)")
        for vendor in ["openai", "posthog", "confident", "relevance"] { #expect(result.output.contains(vendor)) }
        #expect(result.output.contains("Manager"), "Confident AI's real project roles are listed: \(result.output)")
        for key in VendorFixture.keys.values { #expect(!result.output.contains(key), "no key in the output") }
    }

    @Test func aConfidentRoleTheOrganizationLacksFailsAndSuggestsTheRightOne() async throws {
        let result = try await Self.doctor(
            confidentExtra: ", roles: {member: Membr}", policy: Self.goodPolicy
        ) { vendors in
            _ = try vendors.confident.addProject(name: "research")
        }
        #expect(result.status == 1, "\(result.output)")
        #expect(result.output.contains("Membr"), "\(result.output)")
        #expect(result.output.contains("did you mean Member?"), "\(result.output)")
        #expect(result.output.contains("failed: confident"), "\(result.output)")

        let json = try Self.json(
            try await Self.doctor(
                ["--output", "json"], confidentExtra: ", roles: {member: Membr}", policy: Self.goodPolicy
            ) {
                _ = try $0.confident.addProject(name: "research")
            }.output
        )
        let confident = try #require(
            (json["vendors"] as? [[String: Any]])?.first { $0["vendor"] as? String == "confident" })
        let failed = (confident["role_checks"] as? [[String: Any]] ?? []).filter {
            $0["status"] as? String == "unknown"
        }
        #expect(failed.count == 2, "the roles: mapping and the policy grant that uses it: \(failed)")
        #expect(
            failed.allSatisfy { $0["vendor_role"] as? String == "Membr" && $0["suggestion"] as? String == "Member" })
        #expect(Set(failed.compactMap { $0["source"] as? String }) == ["roles", "policy"])
    }

    @Test func aRefusedKeyFailsNamingTheVendor() async throws {
        let result = try await Self.doctor(policy: Self.goodPolicy, wrongKeys: ["posthog"])
        #expect(result.status == 1, "\(result.output)")
        #expect(result.output.contains("failed: posthog"), "\(result.output)")
        #expect(result.output.contains("refused (401)") || result.output.contains("refused (403)"), "\(result.output)")
        #expect(!result.output.contains(VendorFixture.keys["posthog"]!), "the key never appears")
    }

    @Test func jsonShapeFieldByField() async throws {
        let result = try await Self.doctor(["--output", "json"], policy: Self.goodPolicy) { vendors in
            _ = try vendors.confident.addProject(name: "research")
            vendors.openai.setRateLimit(FakeRateLimit(requests: 1000, advertising: .openAI))
        }
        #expect(result.status == 0, "\(result.output)")
        let json = try Self.json(result.output)
        #expect(Set(json.keys) == ["ok", "vendors"])
        #expect(json["ok"] as? Bool == true)
        let vendors = try #require(json["vendors"] as? [[String: Any]])
        #expect(vendors.map { $0["vendor"] as? String } == ["confident", "openai", "posthog", "relevance"])
        for vendor in vendors {
            #expect(
                Set(vendor.keys) == [
                    "vendor", "kind", "base_url", "api_key_env", "ok", "key", "roles", "role_checks", "rate",
                ])
            let key = try #require(vendor["key"] as? [String: Any])
            #expect(Set(key.keys) == ["status", "http_status", "error"])
            #expect(key["status"] as? String == "ok")
            #expect(key["http_status"] is NSNull && key["error"] is NSNull)
            let roles = try #require(vendor["roles"] as? [String: Any])
            #expect(Set(roles.keys) == ["source", "project", "organization"])
            let rate = try #require(vendor["rate"] as? [String: Any])
            #expect(
                Set(rate.keys) == [
                    "requests_per_second", "burst", "advertised", "maximum_requests_per_second",
                    "advertised_requests_per_second", "learned_requests_per_second",
                ])
            for check in try #require(vendor["role_checks"] as? [[String: Any]]) {
                #expect(
                    Set(check.keys) == [
                        "source", "role", "vendor_role", "scope", "project", "status", "suggestion", "message",
                    ])
                #expect(check["status"] as? String == "ok", "\(check)")
            }
        }
        let openai = vendors[1]
        #expect(openai["kind"] as? String == "openai")
        #expect(openai["api_key_env"] as? String == "ROSTER_TEST_OPENAI_KEY")
        let rate = try #require(openai["rate"] as? [String: Any])
        #expect(rate["requests_per_second"] as? Double == 5)
        #expect(rate["burst"] as? Int == 10)
        // 1000/s as OpenAI states it, per minute; Roster would learn no more than its 5/s maximum.
        #expect((rate["advertised"] as? [String: String])?["x-ratelimit-limit-requests"] == "60000", "\(rate)")
        #expect(rate["advertised_requests_per_second"] as? Double == 1000)
        #expect(rate["maximum_requests_per_second"] as? Double == 5)
        #expect(rate["learned_requests_per_second"] as? Double == 5)
        let openaiRoles = try #require(openai["roles"] as? [String: Any])
        #expect(openaiRoles["source"] as? String == "documented")
        #expect(openaiRoles["project"] as? [String] == ["owner", "member"])
        #expect(openaiRoles["organization"] as? [String] == ["owner", "reader"])
        let confident = vendors[0]
        let confidentRoles = try #require(confident["roles"] as? [String: Any])
        #expect(confidentRoles["source"] as? String == "vendor")
        #expect(confidentRoles["project"] as? [String] == ["Owner", "Manager", "Member", "Viewer"])
        #expect(confidentRoles["organization"] as? [String] == ["Owner", "Admin", "Member"])
        let checks = try #require(confident["role_checks"] as? [[String: Any]])
        let policy = try #require(checks.first { $0["source"] as? String == "policy" })
        #expect(policy["role"] as? String == "member")
        #expect(policy["vendor_role"] as? String == "Member")
        #expect(policy["scope"] as? String == "project")
        #expect(policy["project"] as? String == "research")
        #expect(policy["suggestion"] is NSNull)
        #expect(
            checks.contains {
                $0["source"] as? String == "organization_invite" && $0["scope"] as? String == "organization"
            })
        #expect(checks.contains { $0["source"] as? String == "default" && $0["role"] as? String == "admin" })
    }

    @Test func unreachableVendorFails() async throws {
        let result = try await Self.doctor(
            policy: Self.goodPolicy,
            body: { vendors in await vendors.relevance.stop() }
        )
        #expect(result.status == 1, "\(result.output)")
        #expect(result.output.contains("unreachable"), "\(result.output)")
        #expect(result.output.contains("failed: relevance"), "\(result.output)")
    }

    @Test func usageErrorExitsTwo() async throws {
        let result = try await RosterProcess.run(["doctor", "--output", "xml"], timeout: .seconds(30))
        #expect(result.status == 2, "\(result.output)")
    }
}
