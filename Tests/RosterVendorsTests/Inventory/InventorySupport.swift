import Foundation
import Logging
import RosterFakes
import RosterVendors

/// An inventory request over `transport` whose listings must have started at or after `notBefore`.
func inventoryRequest(_ transport: any VendorTransport, notBefore: Date? = nil) -> InventoryRequest {
    var logger = Logger(label: "roster.test.inventory")
    logger.logLevel = .warning
    return InventoryRequest(transport: transport, notBefore: notBefore, logger: logger)
}

/// The GET (or, with `method`, other) calls `fake` received for exactly `path`.
func listings(_ fake: some FakeVendorServer, _ path: String, method: String = "GET") -> Int {
    fake.calls.calls(method, path: path).count
}
