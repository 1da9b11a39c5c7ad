import Foundation
import RosterPostgres
import RosterTesting
import Testing

/// "Accept, then grant" through the real engine: a new person's Confident AI onboarding waits
/// (job `retrying`, `last_error` "confident: waiting – waiting for acceptance since …") until
/// they accept the organization invitation, then gets its project invitations; one who never
/// accepts ends `dead` after the configured window; an offboarding cancels the wait.
///
/// The window is `acceptance_window_days: 0.001` (about 86 s) where the person accepts, long enough
/// that a saturated machine cannot let it run out before the test accepts, and `0.0006` (about
/// 52 s) where they never do, so that the resend at mid-window is due well before the window ends
/// even if re-checks come late. Re-checks come at most an eighth of the window apart. No tight
/// timing: generous waits, final states.
@Suite(.serialized, .timeLimit(.minutes(10)), .requiresPostgres)
struct ConfidentAcceptanceWorkflowTests {
    typealias F = VendorFixture

    static let window = 0.001
    static let neverAcceptedWindow = 0.0006

    /// Waits until the employee's organization invitation is pending and their job waits for it.
    static func waitForTheWait(_ f: VendorFixture, email: String) async throws {
        try await f.ingest.waitUntil("a job waiting for acceptance", timeout: .seconds(120)) {
            let waiting = try await f.ingest.count(
                "SELECT count(*) FROM jobs WHERE status = 'retrying' AND last_error LIKE '%confident: waiting – waiting for acceptance since %'"
            )
            return waiting == 1 && !f.confident.pendingInvitations(email: email).isEmpty
        }
    }

    @Test func aJoinerWhoAcceptsGetsBothProjects() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let f = try await VendorFixture(databaseURL: url, confidentAcceptanceWindowDays: Self.window)
            let email = F.email("AC")
            try await f.ingest.produce([
                f.event(
                    "ac-1", employee: "AC", grants: [("confident", "cf-x", "member"), ("confident", "cf-y", "viewer")])
            ])
            try await f.run(until: 1, timeout: .seconds(180)) {
                try await Self.waitForTheWait(f, email: email)
                // The chain stops at the first project's access (the second project may not exist yet).
                for project in f.confident.projects {
                    #expect(
                        f.confident.invitations(projectID: project.id).isEmpty,
                        "no project invitation before they accept")
                }
                let error = try await f.strings("SELECT last_error FROM jobs").first ?? ""
                #expect(!error.contains("@"), "no address in the job's error: \(error)")
                try await Task.sleep(for: .seconds(3))
                try f.confident.acceptInvitation(email: email)
            }
            #expect(try await f.statuses() == ["succeeded": 1])
            let member = try #require(f.confident.members.first { $0.email == email })
            for project in ["cf-x", "cf-y"] {
                let id = try #require(f.confident.project(named: project)?.id)
                #expect(
                    f.confident.invitations(projectID: id).filter(\.isPending).map(\.email) == [email], "\(project)")
                try f.confident.acceptInvitation(email: email, projectID: id)
            }
            let x = try #require(f.confident.project(named: "cf-x")?.id)
            let y = try #require(f.confident.project(named: "cf-y")?.id)
            #expect(f.confident.projectRoleName(of: member.id, in: x) == "Member")
            #expect(f.confident.projectRoleName(of: member.id, in: y) == "Viewer")
            #expect(
                f.confident.calls.calls("POST", path: "/v1/organization/invitations").count == 1,
                "one organization invitation")
            await f.stop()
        }
    }

    @Test func aJoinerWhoNeverAcceptsIsDeadAfterTheWindowWithOneResend() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let f = try await VendorFixture(databaseURL: url, confidentAcceptanceWindowDays: Self.neverAcceptedWindow)
            let email = F.email("NA")
            try await f.ingest.produce([f.event("na-1", employee: "NA", grants: [("confident", "cf-n", "member")])])
            try await f.run(until: 1, timeout: .seconds(180))
            #expect(try await f.statuses() == ["dead": 1])
            let cause = try await f.strings("SELECT last_error FROM jobs").first ?? ""
            #expect(
                cause.contains("confident: failed")
                    && cause.contains("the invitation was not accepted within 0.0006 days"), "\(cause)")
            #expect(!cause.contains("@"))
            let invitation = try #require(f.confident.pendingInvitations(email: email).first)
            #expect(
                f.confident.calls.calls("PUT", path: "/v1/organization/invitations/\(invitation.id)").count == 1,
                "resent once")
            let resends = try await f.strings("SELECT count(*)::text FROM audit_log WHERE action = 'resend_invite'")
            #expect(resends == ["1"])
            await f.stop()
        }
    }

    @Test func anOffboardingWhileWaitingCancelsTheOnboarding() async throws {
        try await TestDatabase.withFreshDatabase { url in
            // The default window (14 days): the onboarding would wait for a long time.
            let f = try await VendorFixture(databaseURL: url)
            let email = F.email("OW")
            try await f.ingest.produce([
                f.event("ow-1", employee: "OW", grants: [("confident", "cf-o", "member")], sequence: 1)
            ])
            try await f.run(until: 2, timeout: .seconds(180)) {
                try await Self.waitForTheWait(f, email: email)
                try await f.ingest.produce([
                    f.event("ow-2", "hr.employee.offboarding", employee: "OW", grants: nil, sequence: 2)
                ])
            }
            let statuses = try await f.strings("SELECT event_id || ' ' || status FROM jobs ORDER BY id")
            #expect(statuses == ["ow-1 cancelled", "ow-2 succeeded"])
            #expect(f.confident.pendingInvitations(email: email).isEmpty, "the organization invitation is revoked")
            await f.stop()
        }
    }
}
