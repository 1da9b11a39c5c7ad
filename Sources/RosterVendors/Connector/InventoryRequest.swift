import Foundation
import Logging
import RosterCore

/// What reconciliation and the verification after an offboarding ask a connector for: the
/// vendor's whole inventory (``VendorInventory``), read through the connector's directory.
public struct InventoryRequest: Sendable {
    /// The governed transport (shared budget, breaker); the caller sets the call priority.
    public let transport: any VendorTransport
    /// Every listing the inventory is made of must have started at or after this time (`nil`:
    /// any listing within the directory's time to live). A verification passes the moment it
    /// became due, so what it reads was listed after the offboarding finished.
    public let notBefore: Date?
    public let logger: Logger

    public init(transport: any VendorTransport, notBefore: Date?, logger: Logger) {
        self.transport = transport
        self.notBefore = notBefore
        self.logger = logger
    }
}

/// A connector whose vendor Roster can reconcile: it lists the whole inventory.
public protocol InventoryReading: VendorConnector {
    /// Everything the vendor holds now: organisation members, pending invites, project memberships
    /// with roles, API keys with owners where the vendor lists them, and in `unlisted` what the
    /// API cannot show.
    func inventory(_ request: InventoryRequest) async throws -> VendorInventory

    /// How long the vendor keeps an invite valid, when it says and the invite listing does not
    /// carry an expiry of its own (`nil`: no staleness check beyond `expiresAt`).
    var inviteValidity: Duration? { get }
}
