import Logging
import RosterCore

extension VendorInventory {
    /// Logs what was listed, at debug level: counts only, never an address or a name.
    func logSummary(to logger: Logger) {
        logger.debug(
            "vendor inventory listed",
            metadata: [
                "vendor.instance": "\(vendor)", "members": "\(members.count)", "invites": "\(invites.count)",
                "memberships": "\(memberships.count)", "keys": "\(keys.count)", "unreadable": "\(unreadable)",
                "unlisted": "\(unlisted.count)",
            ]
        )
    }
}
