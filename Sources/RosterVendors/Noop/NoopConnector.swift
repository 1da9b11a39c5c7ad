import RosterCore

/// The connector of a `kind: noop` vendor: every step succeeds at once, with the summary
/// "no-op", and nothing is called, checkpointed or audited.
///
/// For benchmarks of the engine (claim, plan, step, attempt record, finish) and for dry runs of
/// the pipeline. It touches nothing, so it grants and revokes nothing: never configure it in
/// place of a real vendor.
public struct NoopConnector: VendorConnector {
    public let instance: String

    /// - Parameter instance: The configured instance name.
    public init(instance: String) {
        self.instance = instance
    }

    /// It creates nothing, so its steps need no per-vendor project-creation lock.
    public var mayCreateProjects: Bool { false }

    public func run(_ step: VendorStep, for employee: Employee, context: StepContext) async throws -> StepOutcome {
        StepOutcome(summary: "no-op")
    }
}

extension NoopConnector: InventoryReading {
    /// An empty inventory: the connector holds nothing, so reconciliation finds nothing there.
    /// Nothing is called.
    public func inventory(_ request: InventoryRequest) async throws -> VendorInventory {
        VendorInventory(vendor: instance)
    }

    /// `nil`: there are no invites.
    public var inviteValidity: Duration? { nil }
}
