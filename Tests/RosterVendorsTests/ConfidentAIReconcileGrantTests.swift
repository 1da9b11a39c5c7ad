import Foundation
import RosterCore
import RosterTesting
import RosterVendors
import Testing

/// Confident AI's `reconcile` refuses a grant meant for another vendor instead of dropping it
/// (issue 14: a dropped grant made the step remove access the plan never meant to remove).
@Suite struct ConfidentAIReconcileGrantTests {
    @Test func aGrantForAnotherVendorIsRefusedNotDropped() async throws {
        try await withFakeConfident { fake, driver in
            let ada = employee(1)
            let research = try fake.addProject(name: "research")
            let user = fake.addMember(email: ada.email)
            fake.addProjectMember(projectID: research.id, userID: user.id)
            let grants = [
                AccessGrant(vendor: "confident", project: "research", role: "Member"),
                AccessGrant(vendor: "relevance", project: "research", role: "viewer"),
            ]
            let error = await expectVendorError { try await driver.run(.reconcile, grants: grants, for: ada) }
            #expect(error?.classification == .permanent)
            #expect(error?.message.contains("relevance") == true)
            #expect(fake.calls.calls.isEmpty, "refused before any call")
            #expect(fake.snapshot.members(of: research.id).contains { $0.userID == user.id })
        }
    }
}
