import Foundation
import RosterPostgres
import RosterTesting
import Testing

/// PostHog, Confident AI and Relevance AI through the real engine: `roster worker` processes,
/// the mock Kafka cluster, a real Postgres and each vendor's fake over real HTTP.
@Suite(.serialized, .timeLimit(.minutes(10)), .requiresPostgres)
struct VendorWorkflowTests {
    typealias F = VendorFixture

    // MARK: - PostHog

    @Test func postHogFortyFiveIntoTwoProjectsInBulkChunksOfTwentyAndARerunChangesNothing() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let f = try await VendorFixture(databaseURL: url)
            let a = f.posthog.addProject(name: "ph-a", isPrivate: true)
            let b = f.posthog.addProject(name: "ph-b", isPrivate: true)
            f.posthog.addMember(email: F.email("P7"))
            f.posthog.addInvite(email: F.email("P8"), privateProjectAccess: [.init(projectID: a.id, level: 1)])
            try await f.ingest.produce(
                (0..<45).map {
                    f.event(
                        "ph-\($0)", employee: "P\($0)",
                        grants: [("posthog", "ph-a", "member"), ("posthog", "ph-b", "member")])
                })
            try await f.run(until: 45)
            #expect(try await f.statuses() == ["succeeded": 45])

            let bulk = f.posthog.calls.calls("POST", path: f.posthog.apiPath("invites/bulk/")).filter {
                $0.status == 201
            }
            let sizes = bulk.map { ($0.body ?? "").components(separatedBy: "target_email").count - 1 }
            print("posthog 45 x 2 projects: \(f.posthog.calls.count) calls, bulk calls \(sizes)")
            // 3 per project when every job reaches the batcher within one linger; a loaded machine
            // spreads arrivals and adds a partial batch or two. Unbatched it would be 88 calls.
            #expect(bulk.count <= 10, "a handful of bulk calls per project, not one per person: \(sizes)")
            #expect(sizes.allSatisfy { $0 >= 1 && $0 <= 20 }, "\(sizes)")
            #expect(!bulk.contains { $0.body?.contains(F.email("P7")) == true }, "the member is never in a bulk call")
            #expect(f.posthog.invites(email: F.email("P7")).isEmpty)
            for i in 0..<45 where i != 7 {
                let invites = f.posthog.invites(email: F.email("P\(i)")).filter { !$0.isExpired }
                #expect(invites.count == 1, "P\(i)")
                #expect(Set(invites.first?.privateProjectAccess.map(\.projectID) ?? []) == [a.id, b.id], "P\(i)")
            }

            let before = F.mutations(f.posthog.calls)
            try await f.rerunAll(count: 45)
            #expect(try await f.statuses() == ["succeeded": 45])
            #expect(F.mutations(f.posthog.calls) == before, "re-running changes nothing at PostHog")
            await f.stop()
        }
    }

    @Test func postHogABulkCallThatFailsRetriesOnlyItsOwnInvites() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let f = try await VendorFixture(databaseURL: url)
            f.posthog.addProject(name: "ph-x")
            f.posthog.injectFaults(
                [.status(503)], matching: .init(method: "POST", pathPrefix: f.posthog.apiPath("invites/bulk/")))
            try await f.ingest.produce(
                (0..<45).map { f.event("px-\($0)", employee: "X\($0)", grants: [("posthog", "ph-x", "member")]) })
            try await f.run(until: 45)
            #expect(try await f.statuses() == ["succeeded": 45])

            let bulk = f.posthog.calls.calls("POST", path: f.posthog.apiPath("invites/bulk/"))
            let emails = { (call: FakeCall) -> [String] in
                (0..<45).map { F.email("X\($0)") }.filter { call.body?.contains("\"\($0)\"") == true }
            }
            let failed = bulk.filter { $0.status == 503 }
            let succeeded = bulk.filter { $0.status == 201 }
            #expect(failed.count == 1)
            let failedEmails = Set(failed.flatMap(emails))
            let invited = succeeded.flatMap(emails)
            print("posthog partial failure: \(bulk.map { "\($0.status ?? 0):\(emails($0).count)" })")
            #expect(!failedEmails.isEmpty)
            #expect(
                invited.count == 45 && Set(invited).count == 45, "every address invited exactly once: \(invited.count)")
            #expect(failedEmails.isSubset(of: invited), "the failed call's invites are sent again, once")
            let retries = try await f.ingest.count(
                "SELECT count(*) FROM step_attempts WHERE outcome = 'retry' AND http_status = 503")
            #expect(retries == failedEmails.count, "one retry per job of the failed call")
            await f.stop()
        }
    }

    @Test func postHogChangeOfRoleAndProjectThenOffboardingLeavesNothing() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let f = try await VendorFixture(databaseURL: url)
            let a = f.posthog.addProject(name: "ph-a", isPrivate: true)
            let b = f.posthog.addProject(name: "ph-b", isPrivate: true)
            let email = F.email("PC")
            try await f.ingest.produce([
                f.event("pc-1", employee: "PC", grants: [("posthog", "ph-a", "member")], sequence: 1),
                f.event(
                    "pc-2", "hr.employee.changed", employee: "PC", grants: [("posthog", "ph-b", "admin")], sequence: 2),
            ])
            try await f.run(until: 2)
            #expect(try await f.statuses() == ["succeeded": 2])
            let invite = try #require(f.posthog.invites(email: email).first { !$0.isExpired })
            #expect(
                invite.level == 8 && invite.privateProjectAccess.map(\.projectID) == [b.id], "role and project changed")
            #expect(f.posthog.invites(email: email).filter { !$0.isExpired }.count == 1)

            // Accepted meanwhile, plus a personal key and a stale invite: offboarding removes it all.
            let member = try f.posthog.acceptInvite(email: email)
            f.posthog.addPersonalAPIKey(userUUID: member.user.uuid)
            f.posthog.addInvite(email: email, privateProjectAccess: [.init(projectID: a.id, level: 1)], isExpired: true)
            try await f.ingest.produce([
                f.event("pc-3", "hr.employee.offboarding", employee: "PC", grants: nil, sequence: 3)
            ])
            try await f.run(until: 3)
            #expect(try await f.statuses() == ["succeeded": 3])
            #expect(f.posthog.member(email: email) == nil)
            #expect(f.posthog.invites(email: email).isEmpty)
            let keys = try await f.strings(
                "SELECT message FROM step_attempts a JOIN job_steps s USING (job_id, position) WHERE s.name = 'revoke_api_keys' AND s.vendor = 'posthog'"
            )
            #expect(keys.contains { $0.contains("personal API key") }, "\(keys)")
            await f.stop()
        }
    }

    @Test func postHogThrottlingWithAndWithoutRetryAfterAndAWrongKeyIsDead() async throws {
        for sendsRetryAfter in [true, false] {
            try await TestDatabase.withFreshDatabase { url in
                let f = try await VendorFixture(
                    databaseURL: url, postHogOptions: .init(sendsRetryAfter: sendsRetryAfter))
                f.posthog.injectFaults([.status(429, retryAfter: 2)])
                try await f.ingest.produce([f.event("pt", employee: "PT", grants: [("posthog", "ph-t", "member")])])
                try await f.run(until: 1)
                #expect(try await f.statuses() == ["succeeded": 1])
                let calls = f.posthog.calls.calls
                let throttled = try #require(calls.first { $0.status == 429 })
                let next = try #require(calls.first { $0.id > throttled.id })
                #expect(
                    next.receivedAt - throttled.receivedAt >= .milliseconds(1900),
                    "Retry-After header \(sendsRetryAfter): waited \(next.receivedAt - throttled.receivedAt)")
                await f.stop()
            }
        }
        try await TestDatabase.withFreshDatabase { url in
            let f = try await VendorFixture(databaseURL: url, wrongKeys: ["posthog"])
            try await f.ingest.produce([f.event("pw", employee: "PW", grants: [("posthog", "ph-w", "member")])])
            try await f.run(until: 1)
            #expect(try await f.statuses() == ["dead": 1])
            let cause = try await f.strings("SELECT last_error FROM jobs").first ?? ""
            #expect(cause.contains("HTTP 401") && cause.contains("Personal API key"), "\(cause)")
            #expect(!cause.contains(F.keys["posthog"]!))
            await f.stop()
        }
    }

    @Test func threeHundredOnboardingsIntoOnePostHogProjectCostTensOfCalls() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let f = try await VendorFixture(databaseURL: url)
            try await f.ingest.produce(
                (0..<300).map { f.event("p3-\($0)", employee: "H\($0)", grants: [("posthog", "reorg", "member")]) })
            try await f.run(until: 300, timeout: .seconds(120))
            #expect(try await f.statuses() == ["succeeded": 300])
            let calls = f.posthog.calls
            let bulk = calls.calls("POST", path: f.posthog.apiPath("invites/bulk/"))
            print(
                "posthog 300 x 1 project: \(calls.count) HTTP calls, \(bulk.count) bulk calls, \(calls.filter { $0.method == "GET" }.count) GETs"
            )
            #expect(f.posthog.invites.filter { !$0.isExpired }.count == 300)
            #expect(calls.count < 100, "tens of calls, not hundreds: \(calls.count)")
            await f.stop()
        }
    }

    // MARK: - Confident AI

    @Test func confidentFortyFiveIntoTwoProjectsSharesInvitationCallsSkipsMembersAndARerunChangesNothing() async throws
    {
        try await TestDatabase.withFreshDatabase { url in
            // A window of about 43 s: the waiting jobs re-check the acceptance every few seconds.
            let f = try await VendorFixture(databaseURL: url, confidentAcceptanceWindowDays: 0.0005)
            _ = try f.confident.addProject(name: "cf-a")
            for m in ["C5", "C6"] { f.confident.addMember(email: F.email(m)) }
            f.confident.addInvitation(email: F.email("C9"))
            try await f.ingest.produce(
                (0..<45).map {
                    f.event(
                        "cf-\($0)", employee: "C\($0)",
                        grants: [("confident", "cf-a", "member"), ("confident", "cf-b", "viewer")])
                })
            try await f.run(until: 45) {
                // The 43 non-members get one organization invitation each and wait for acceptance.
                try await f.ingest.waitUntil("43 organization invitations") {
                    f.confident.invitations(projectID: nil).filter(\.isPending).count >= 43
                }
                let posts = f.confident.calls.calls("POST", path: "/v1/organization/invitations")
                print("confident 45 x 2 projects: \(posts.count) organization invitation calls")
                // 3 when every job reaches the batcher within one linger (4 seen on a loaded CI run);
                // unbatched it would be 43.
                #expect(posts.count <= 6, "a handful of emails[] calls, not one per person: \(posts.count)")
                #expect(
                    !posts.contains {
                        $0.body?.contains(F.email("C5")) == true || $0.body?.contains(F.email("C9")) == true
                    })
                let pending = f.confident.invitations(projectID: nil).filter(\.isPending)
                #expect(
                    pending.count == 43 && Set(pending.map(\.email)).count == 43,
                    "one organization invitation per non-member")
                // Everyone accepts; the waiting jobs invite the new members into both projects, in
                // shared project-invitation calls (one of which fails once: only its items retry).
                f.confident.injectFaults([.status(503)], matching: .init(method: "POST", pathPrefix: "/v1/projects/"))
                try f.confident.acceptAllInvitations()
            }
            #expect(try await f.statuses() == ["succeeded": 45])
            #expect(f.confident.projects.filter { $0.name == "cf-b" }.count == 1)
            let projectPosts = f.confident.calls.calls.filter {
                $0.method == "POST" && $0.path.hasPrefix("/v1/projects/") && $0.path.hasSuffix("/invitations")
            }
            let admitted = projectPosts.filter { $0.wasAdmitted && $0.status == 200 }
            let sizes = admitted.map { F.confidentEmails(in: $0) }
            print(
                "confident 45 members x 2 projects: project invitation calls \(sizes.map(\.count)) (+\(projectPosts.count - admitted.count) refused)"
            )
            #expect(projectPosts.count - admitted.count <= 1, "at most the injected 503")
            // Waiting jobs come back at slightly different times, so batches are smaller than for
            // jobs that arrive together; still far from one call per address and project.
            #expect(admitted.count <= 20, "shared emails[] calls, not 90: \(sizes.map(\.count))")
            #expect(
                sizes.map(\.count).reduce(0, +) == 90,
                "each of 45 addresses sent once per project: \(sizes.map(\.count))")
            for project in ["cf-a", "cf-b"] {
                let id = try #require(f.confident.project(named: project)?.id)
                let invited = f.confident.invitations(projectID: id).filter(\.isPending).map(\.email)
                #expect(invited.count == 45 && Set(invited).count == 45, "every member invited once to \(project)")
            }
            let audited = try await f.strings(
                "SELECT count(*)::text FROM audit_log WHERE action = 'create_project_invite'"
            )
            #expect(audited == ["90"], "each job audits its own project invitations")

            let afterMembers = F.mutations(f.confident.calls)
            try await f.rerunAll(count: 45)
            #expect(try await f.statuses() == ["succeeded": 45])
            #expect(F.mutations(f.confident.calls) == afterMembers, "re-running changes nothing at Confident AI")
            await f.stop()
        }
    }

    @Test func confidentChangeOfRoleAndProjectThenOffboardingLeavesNothing() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let f = try await VendorFixture(databaseURL: url)
            let a = try f.confident.addProject(name: "cf-a")
            let b = try f.confident.addProject(name: "cf-b")
            let email = F.email("CC")
            let member = f.confident.addMember(email: email)
            f.confident.addProjectMember(projectID: a.id, userID: member.id, role: "Member")
            try await f.ingest.produce([
                f.event(
                    "cc-1", "hr.employee.changed", employee: "CC", grants: [("confident", "cf-a", "admin")], sequence: 1
                )
            ])
            try await f.run(until: 1)
            #expect(f.confident.projectRoleName(of: member.id, in: a.id) == "Manager", "role changed")
            try await f.ingest.produce([
                f.event(
                    "cc-2", "hr.employee.changed", employee: "CC", grants: [("confident", "cf-b", "member")],
                    sequence: 2)
            ])
            try await f.run(until: 2)
            #expect(try await f.statuses() == ["succeeded": 2])
            #expect(f.confident.members(of: a.id).isEmpty, "removed from the old project")
            #expect(
                f.confident.invitations(projectID: b.id).filter(\.isPending).map(\.email) == [email],
                "invited to the new one")

            f.confident.addInvitation(email: email, projectID: a.id, role: "Member")
            try await f.ingest.produce([
                f.event("cc-3", "hr.employee.offboarding", employee: "CC", grants: nil, sequence: 3)
            ])
            try await f.run(until: 3)
            #expect(try await f.statuses() == ["succeeded": 3])
            #expect(!f.confident.members.contains { $0.email == email })
            #expect(f.confident.pendingInvitations(email: email).isEmpty)
            #expect(f.confident.members(of: a.id).isEmpty && f.confident.members(of: b.id).isEmpty)
            await f.stop()
        }
    }

    @Test func confidentThrottlingIsHonouredAndAWrongKeyIsDead() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let f = try await VendorFixture(databaseURL: url)
            f.confident.injectFaults([.status(429, retryAfter: 2)])
            f.confident.addMember(email: F.email("CT"))  // a member: no wait for acceptance
            try await f.ingest.produce([f.event("ct", employee: "CT", grants: [("confident", "cf-t", "member")])])
            try await f.run(until: 1)
            #expect(try await f.statuses() == ["succeeded": 1])
            let calls = f.confident.calls.calls
            let throttled = try #require(calls.first { $0.status == 429 })
            let next = try #require(calls.first { $0.id > throttled.id })
            #expect(next.receivedAt - throttled.receivedAt >= .milliseconds(1900))
            await f.stop()
        }
        try await TestDatabase.withFreshDatabase { url in
            let f = try await VendorFixture(databaseURL: url, wrongKeys: ["confident"])
            try await f.ingest.produce([f.event("cw", employee: "CW", grants: [("confident", "cf-w", "member")])])
            try await f.run(until: 1)
            #expect(try await f.statuses() == ["dead": 1])
            let cause = try await f.strings("SELECT last_error FROM jobs").first ?? ""
            #expect(cause.contains("HTTP 401") && cause.contains("Invalid API key"), "\(cause)")
            await f.stop()
        }
    }

    // MARK: - Relevance AI

    @Test func relevanceFortyFiveIntoTwoProjectsAndARerunChangesNothing() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let f = try await VendorFixture(databaseURL: url)
            let a = f.relevance.addProject(name: "rl-a")
            f.relevance.addMember(email: F.email("R3"), projectID: a.id, action: "role:viewer")
            try await f.ingest.produce(
                (0..<45).map {
                    f.event(
                        "rl-\($0)", employee: "R\($0)",
                        grants: [("relevance", "rl-a", "member"), ("relevance", "rl-b", "viewer")])
                })
            try await f.run(until: 45)
            #expect(try await f.statuses() == ["succeeded": 45])
            let b = try #require(f.relevance.project(named: "rl-b"))
            #expect(f.relevance.projects.filter { $0.name == "rl-b" }.count == 1)
            #expect(
                f.relevance.actions(of: F.email("R3"), in: a.id) == ["role:editor"], "the member's role is overwritten")
            #expect(f.relevance.invites(in: a.id).count == 44 && f.relevance.invites(in: b.id).count == 44)
            #expect(
                f.relevance.actions(of: F.email("R3"), in: b.id) == ["role:viewer"],
                "an org member's invite is accepted at once")
            let before = F.mutations(f.relevance.calls)
            try await f.rerunAll(count: 45)
            #expect(F.mutations(f.relevance.calls) == before, "re-running changes nothing at Relevance AI")
            await f.stop()
        }
    }

    @Test func relevanceChangeOfRoleAndProjectThenOffboardingReportsTheOrganisationResidual() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let f = try await VendorFixture(databaseURL: url)
            let a = f.relevance.addProject(name: "rl-a")
            let b = f.relevance.addProject(name: "rl-b")
            let c = f.relevance.addProject(name: "rl-c")
            let email = F.email("RC")
            let user = f.relevance.addMember(email: email, projectID: a.id, action: "role:viewer")
            try await f.ingest.produce([
                f.event(
                    "rc-1", "hr.employee.changed", employee: "RC", grants: [("relevance", "rl-a", "editor")],
                    sequence: 1)
            ])
            try await f.run(until: 1)
            #expect(f.relevance.actions(of: email, in: a.id) == ["role:editor"], "role changed")
            try await f.ingest.produce([
                f.event(
                    "rc-2", "hr.employee.changed", employee: "RC", grants: [("relevance", "rl-b", "viewer")],
                    sequence: 2)
            ])
            try await f.run(until: 2)
            #expect(try await f.statuses() == ["succeeded": 2])
            #expect(f.relevance.actions(of: email, in: a.id) == nil, "removed from the old project")
            #expect(
                f.relevance.actions(of: email, in: b.id) != nil
                    || f.relevance.invites(in: b.id).contains { $0.email == email })

            f.relevance.addAPIKey(userID: user.id, projectID: b.id)
            f.relevance.addInvite(email: email, projectID: c.id)
            try await f.ingest.produce([
                f.event("rc-3", "hr.employee.offboarding", employee: "RC", grants: nil, sequence: 3)
            ])
            try await f.run(until: 3)
            #expect(try await f.statuses() == ["succeeded": 3])
            let traces = f.relevance.traces(of: email)
            #expect(traces.memberships == 0 && traces.invites == 0 && traces.keys == 0, "\(traces)")
            let residual = try await f.strings(
                "SELECT residual FROM job_steps WHERE residual IS NOT NULL AND vendor = 'relevance'")
            #expect(
                residual.count == 1 && residual[0].contains("no API to remove someone from an organisation"),
                "\(residual)")
            await f.stop()
        }
    }

    @Test func relevanceThrottlingIsHonouredAndAWrongKeyIsDead() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let f = try await VendorFixture(databaseURL: url)
            f.relevance.injectFaults([.status(429, retryAfter: 2)])
            try await f.ingest.produce([f.event("rt", employee: "RT", grants: [("relevance", "rl-t", "editor")])])
            try await f.run(until: 1)
            #expect(try await f.statuses() == ["succeeded": 1])
            let calls = f.relevance.calls.calls
            let throttled = try #require(calls.first { $0.status == 429 })
            let next = try #require(calls.first { $0.id > throttled.id })
            #expect(next.receivedAt - throttled.receivedAt >= .milliseconds(1900))
            await f.stop()
        }
        try await TestDatabase.withFreshDatabase { url in
            let f = try await VendorFixture(databaseURL: url, wrongKeys: ["relevance"])
            try await f.ingest.produce([f.event("rw", employee: "RW", grants: [("relevance", "rl-w", "editor")])])
            try await f.run(until: 1)
            #expect(try await f.statuses() == ["dead": 1])
            let cause = try await f.strings("SELECT last_error FROM jobs").first ?? ""
            #expect(cause.contains("HTTP 4"), "\(cause)")
            #expect(!cause.contains(F.keys["relevance"]!))
            await f.stop()
        }
    }

    // MARK: - All four

    @Test func oneEventGrantsAccessInAllFourVendorsAndAnOffboardingRemovesItEverywhere() async throws {
        try await TestDatabase.withFreshDatabase { url in
            // A window of about 86 s: Confident AI re-checks the acceptance every few seconds.
            let f = try await VendorFixture(databaseURL: url, confidentAcceptanceWindowDays: 0.001)
            let email = F.email("ALL")
            try await f.ingest.produce([
                f.event(
                    "all-1", employee: "ALL",
                    grants: [
                        ("openai", "shared", "member"), ("posthog", "shared", "member"),
                        ("confident", "shared", "member"), ("relevance", "shared", "editor"),
                    ], sequence: 1)
            ])
            try await f.run(until: 1) {
                // Confident AI's project access waits for the organization invitation's acceptance.
                try await f.ingest.waitUntil("a Confident AI organization invitation") {
                    !f.confident.pendingInvitations(email: email).filter { $0.projectID == nil }.isEmpty
                }
                _ = try f.confident.acceptInvitation(email: email)
            }
            #expect(try await f.statuses() == ["succeeded": 1])
            #expect(f.openai.invites.contains { $0.email == email && $0.status == .pending })
            #expect(!f.posthog.invites(email: email).isEmpty)
            let confidentShared = try #require(f.confident.project(named: "shared"))
            #expect(
                f.confident.invitations(projectID: confidentShared.id).contains { $0.email == email && $0.isPending })
            let shared = try #require(f.relevance.project(named: "shared"))
            #expect(f.relevance.invites(in: shared.id).contains { $0.email == email })

            // They accept everywhere, then leave.
            _ = try f.openai.acceptInvite(email: email)
            _ = try f.posthog.acceptInvite(email: email)
            _ = try f.confident.acceptInvitation(email: email, projectID: confidentShared.id)
            _ = try f.relevance.acceptInvite(email: email, projectID: shared.id)
            try await f.ingest.produce([
                f.event("all-2", "hr.employee.offboarding", employee: "ALL", grants: nil, sequence: 2)
            ])
            try await f.run(until: 2)
            #expect(try await f.statuses() == ["succeeded": 2])
            #expect(!f.openai.users.contains { $0.email == email })
            #expect(!f.openai.invites.contains { $0.email == email && $0.status == .pending })
            #expect(f.posthog.member(email: email) == nil && f.posthog.invites(email: email).isEmpty)
            #expect(
                !f.confident.members.contains { $0.email == email }
                    && f.confident.pendingInvitations(email: email).isEmpty)
            let traces = f.relevance.traces(of: email)
            #expect(traces.memberships == 0 && traces.invites == 0 && traces.keys == 0)
            let residual = try await f.strings("SELECT residual FROM job_steps WHERE residual IS NOT NULL")
            #expect(
                residual.count == 1, "only Relevance AI's organisation membership is left, and said so: \(residual)")
            await f.stop()
        }
    }
}
