import Foundation
import RosterCore
import RosterVendors
import Testing

/// ``NoopConnector``'s inventory: empty, and nothing is called.
@Suite struct NoopInventoryTests {
    @Test func theInventoryIsEmptyAndCallsNothing() async throws {
        let transport = StubTransport(status: 500, body: "")
        let inventory = try await NoopConnector(instance: "bench").inventory(inventoryRequest(transport))
        #expect(inventory == VendorInventory(vendor: "bench"))
        #expect(transport.requests.isEmpty)
        #expect(NoopConnector(instance: "bench").inviteValidity == nil)
    }
}
