import Foundation
import RosterCore
import RosterTesting
import RosterVendors
import Testing

/// Confident AI listings with a record Roster cannot decode (issue 13, item 2): the record is
/// skipped and reported by id, paging still counts it, and only a record about the step's
/// employee or project fails the step.
@Suite struct ConfidentAIUnreadableRecordsTests {
    @Test func aMemberListingPagesPastAnUnreadableRecordAndReportsIt() async throws {
        try await withFakeConfident { fake, driver in
            let leaver = employee(5)
            for index in 1...99 { fake.addMember(email: "m\(index)@example.com") }  // 100 with the owner
            fake.addRawRecord(
                .object(["id": .string("user-odd"), "email": .null]), toListing: "/v1/organization/members")
            fake.addMember(email: leaver.email)  // on page 2, past the odd record
            let outcome = try await driver.run(.removeOrganizationMembership, for: leaver)
            #expect(!fake.members.contains { $0.email == leaver.email })
            #expect(outcome.summary.contains("skipped 1 unreadable record(s)"))
            #expect(outcome.summary.contains("user-odd"))
            #expect(!outcome.summary.contains("@"))
        }
    }

    @Test func anUnreadableRecordOfTheLeaverFailsTheStep() async throws {
        try await withFakeConfident { fake, driver in
            let leaver = employee(6)
            fake.addRawRecord(
                .object(["id": .number("77"), "email": .string(leaver.email.uppercased())]),
                toListing: "/v1/organization/members"
            )
            let error = await expectVendorError { try await driver.run(.removeOrganizationMembership, for: leaver) }
            #expect(error?.code == .decoding)
            #expect(error?.classification == .permanent)
            #expect(error?.message.contains("77") == true)
            #expect(error.map { "\($0)" }?.contains("@") == false)
        }
    }

    @Test func anUnreadableInvitationIsSkippedWhileTheLeaversAreRevoked() async throws {
        try await withFakeConfident { fake, driver in
            let leaver = employee(8)
            fake.addInvitation(email: leaver.email)
            fake.addRawRecord(
                .object(["id": .number("901"), "status": .string("PENDING")]), toListing: "/v1/organization/invitations"
            )
            let outcome = try await driver.run(.revokeInvites, for: leaver)
            #expect(fake.pendingInvitations(email: leaver.email).isEmpty)
            #expect(outcome.summary.hasPrefix("revoked 1 invitation(s)"))
            #expect(outcome.summary.contains("901"))
        }
    }

    @Test func anUnreadableProjectNamedByTheStepIsNotTakenForAbsent() async throws {
        try await withFakeConfident { fake, driver in
            fake.addRawRecord(.object(["id": .number("3"), "name": .string("research")]), toListing: "/v1/projects")
            let error = await expectVendorError {
                try await driver.run(.ensureProject, project: "research", for: employee(1))
            }
            #expect(error?.code == .decoding)
            #expect(fake.calls.calls("POST", path: "/v1/projects").isEmpty, "no duplicate project")
            let other = try await driver.run(.ensureProject, project: "evals", for: employee(1))
            #expect(other.summary.contains("skipped 1 unreadable record(s)"))
        }
    }
}
