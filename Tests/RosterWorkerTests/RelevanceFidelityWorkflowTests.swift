import Foundation
import RosterPostgres
import RosterTesting
import Testing

/// Relevance AI offboardings through the real engine (`roster worker` processes, the mock
/// Kafka cluster, a real Postgres, the fake over real HTTP) where the fake plays behaviour the
/// vendor documents and Roster used to miss (issue 13): a user page that is empty while
/// `has_more` is true, and an organisation admin who keeps access after project removal.
@Suite(.serialized, .timeLimit(.minutes(10)), .requiresPostgres)
struct RelevanceFidelityWorkflowTests {
    typealias F = VendorFixture

    @Test func aLeaverListedOnlyAfterAnEmptyPageIsRemoved() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let f = try await VendorFixture(databaseURL: url)
            let email = F.email("LF")
            let target = f.relevance.addProject(name: "rl-target")
            let crowd = f.relevance.addProject(name: "rl-crowd")
            // 120 organisation users whose addresses contain the leaver's, none in rl-target, listed
            // first: the first page of every rl-target listing (100 a page) is empty with has_more.
            for index in 1...120 { f.relevance.addMember(email: "d\(index)\(email)", projectID: crowd.id) }
            let user = f.relevance.addMember(email: email, projectID: target.id, action: "role:editor")
            f.relevance.addAPIKey(userID: user.id, projectID: target.id)

            try await f.ingest.produce([f.event("lf-1", "hr.employee.offboarding", employee: "LF", grants: nil)])
            try await f.run(until: 1)
            #expect(try await f.statuses() == ["succeeded": 1])
            let traces = f.relevance.traces(of: email)
            #expect(traces.memberships == 0 && traces.keys == 0, "\(traces)")
            #expect(f.relevance.members(of: crowd.id).count == 120, "nobody else was touched")
            let removed = try await f.strings(
                "SELECT target->>'project_id' FROM audit_log WHERE vendor = 'relevance' AND action = 'remove_project_member'"
            )
            #expect(removed == [target.id])
            await f.stop()
        }
    }

    @Test func anOrganisationAdminIsMadeAMemberAndRemovedFromEveryProject() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let f = try await VendorFixture(databaseURL: url)
            let email = F.email("OA")
            let a = f.relevance.addProject(name: "rl-a")
            let b = f.relevance.addProject(name: "rl-b")
            let user = f.relevance.addMember(email: email, projectID: a.id, action: "admin")
            f.relevance.addMember(email: email, projectID: b.id, action: "role:editor")
            f.relevance.setOrganizationRole("admin", email: email)
            f.relevance.addAPIKey(userID: user.id, projectID: b.id)
            #expect(f.relevance.accessibleProjects(of: email).count == 3, "an organisation admin sees every project")

            try await f.ingest.produce([f.event("oa-1", "hr.employee.offboarding", employee: "OA", grants: nil)])
            try await f.run(until: 1)
            #expect(try await f.statuses() == ["succeeded": 1])
            #expect(f.relevance.organizationRole(of: email) == "operator", "demoted to organisation member")
            #expect(f.relevance.accessibleProjects(of: email).isEmpty)
            let traces = f.relevance.traces(of: email)
            #expect(traces.memberships == 0 && traces.invites == 0 && traces.keys == 0, "\(traces)")

            let actions = try await f.strings(
                "SELECT action FROM audit_log WHERE vendor = 'relevance' ORDER BY id"
            )
            let demotion = try #require(actions.firstIndex(of: "change_organization_role"))
            #expect(actions.filter { $0 == "remove_project_member" }.count == 2)
            #expect(
                actions.lastIndex(of: "remove_project_member")! > demotion
                    && actions.firstIndex(of: "remove_project_member")! > demotion)
            let residual = try await f.strings(
                "SELECT residual FROM job_steps WHERE residual IS NOT NULL AND vendor = 'relevance'"
            )
            #expect(residual.count == 1 && residual[0].contains("organisation with no projects"), "\(residual)")
            await f.stop()
        }
    }
}
