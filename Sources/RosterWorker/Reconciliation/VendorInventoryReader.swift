import Foundation
import Logging
import RosterCore
import RosterVendors
import Synchronization

/// Reads one vendor's ``VendorInventory`` through its connector's directory, at the lowest call
/// priority (``CallPriority/background``: only budget free right now), waiting out a budget held
/// by jobs for at most ``ReconcilePass/budgetPatience``. Counts the vendor requests it cost.
struct VendorInventoryReader: Sendable {
    let vendors: [String: VendorRuntime]
    let logger: Logger

    /// The inventory, listed at or after `notBefore`, and the requests it took (listings the
    /// directory already held cost none).
    ///
    /// - Throws: ``ReconcileError`` (`unknown_vendor`, `not_listable`), ``VendorError``.
    func read(_ vendor: String, notBefore: Date?) async throws -> (VendorInventory, calls: Int) {
        guard let runtime = vendors[vendor] else {
            throw ReconcileError(code: .unknownVendor, message: "vendor \(vendor) is not configured")
        }
        guard let connector = runtime.connector as? any InventoryReading else {
            throw ReconcileError(
                code: .notListable, message: "the \(vendor) connector cannot list what the vendor holds")
        }
        let counting = SentRequests(base: runtime.transport)
        let request = InventoryRequest(transport: counting, notBefore: notBefore, logger: logger)
        let giveUp = ContinuousClock.now + ReconcilePass.budgetPatience
        while true {
            do {
                let inventory = try await CallPriority.$current.withValue(.background) {
                    try await connector.inventory(request)
                }
                return (inventory, counting.sent)
            } catch let error as VendorError
                where error.code == .rateLimited || error.code == .circuitOpen || error.status == 429
            {
                // The budget is the jobs' first: wait for free budget, keeping what was listed.
                let wait = max(error.retryAfter ?? .seconds(1), .milliseconds(50))
                guard ContinuousClock.now + wait < giveUp else { throw error }
                logger.info(
                    "reconciliation waits for free vendor budget",
                    metadata: [
                        "vendor": "\(vendor)", "code": "\(error.code)",
                        "status": "\(error.status.map(String.init) ?? "-")",
                        "retry_after_seconds": "\(wait.inSeconds)",
                    ])
                try await Task.sleep(for: wait)
            }
        }
    }
}

/// Counts the requests that reached the vendor (a call the budget or the breaker refused was
/// never sent, and costs nothing).
final class SentRequests: VendorTransport {
    let base: any VendorTransport
    private let count = Atomic<Int>(0)

    init(base: any VendorTransport) {
        self.base = base
    }

    func send(_ request: VendorRequest) async throws -> VendorResponse {
        do {
            let response = try await base.send(request)
            count.wrappingAdd(1, ordering: .relaxed)
            return response
        } catch let error as VendorError where error.code == .rateLimited || error.code == .circuitOpen {
            throw error
        } catch {
            count.wrappingAdd(1, ordering: .relaxed)
            throw error
        }
    }

    var sent: Int { count.load(ordering: .relaxed) }
}
