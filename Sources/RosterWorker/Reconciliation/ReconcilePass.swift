import AsyncHTTPClient
import Foundation
import Logging
import RosterCore
import RosterPostgres
import RosterVendors

/// One reconciliation pass: for each vendor, what it holds (its ``VendorInventory``, read through
/// the connector's directory at the lowest call priority) against what HR says every known
/// employee should have (``DesiredStateReader``), every difference recorded as a finding, and the
/// jobs the findings call for created (``ReactionJobWriter``).
///
/// One pass at a time in the whole cluster: the pass holds a session advisory lock for its whole
/// length, on a connection of its own, and a second pass (another process, or `roster reconcile`
/// while the service runs one) is refused as ``ReconcileError/Code/busy``.
///
/// A dry run reads the vendors the same way and decides the same reactions, but writes nothing:
/// no run, no finding, no job.
public struct ReconcilePass: Sendable {
    let pool: PostgresPool
    let vendors: [String: VendorRuntime]
    let planner: JobPlanner
    let settings: RosterConfiguration.Reconcile
    let workerID: String
    let jobs: ReactionJobWriter
    let logger: Logger

    /// A pass over `vendors` (the process's own, so that listings are shared with its jobs).
    public init(
        configuration: RosterConfiguration, pool: PostgresPool, vendors: [String: VendorRuntime], workerID: String,
        logger: Logger
    ) {
        self.pool = pool
        self.vendors = vendors
        self.planner = JobPlanner(configuration: configuration)
        self.settings = configuration.reconcile
        self.workerID = workerID
        self.jobs = ReactionJobWriter(pool: pool, brake: OffboardingBrakeGate(configuration: configuration.brake))
        self.logger = logger
    }

    /// The advisory lock key every pass holds (`pg_try_advisory_lock`).
    static let lockKey: Int64 = 0x526F_7374_6572_5263  // "RosterRc"

    /// How long a vendor's listing waits for free budget at the lowest priority before the pass
    /// gives up on that vendor (the next tick tries again): short, because the pass holds the
    /// cluster-wide lock, and verifications of other vendors wait behind it.
    static let budgetPatience: Duration = .seconds(60)

    /// Runs one pass over `vendor` (every configured vendor when `nil`).
    ///
    /// - Throws: ``ReconcileError`` (`busy`, `unknown_vendor`), ``PostgresError``. A vendor that
    ///   cannot be listed does not throw: its pass records the failure and the others go on.
    public func run(vendor: String? = nil, dryRun: Bool = false) async throws -> ReconcileReport {
        let names = try vendorNames(vendor)
        guard let report = try await Self.exclusively(pool, { try await passes(over: names, dryRun: dryRun) }) else {
            throw ReconcileError(
                code: .busy, message: "another reconciliation pass or verification is running in the cluster")
        }
        return report
    }

    /// Runs `body` holding the cluster-wide reconciliation lock (a session advisory lock on a
    /// connection held for the whole of it), or returns `nil` at once when another process holds
    /// it. Passes and verifications share the lock: one reader of vendor inventories at a time.
    static func exclusively<Result: Sendable>(
        _ pool: PostgresPool, _ body: () async throws -> Result
    ) async throws -> Result? {
        try await pool.withConnection { lock -> Result? in
            guard
                try await lock.query("SELECT pg_try_advisory_lock(\(lockKey)) AS locked").rows.first?.decode(
                    Bool.self, column: "locked") == true
            else {
                return nil
            }
            do {
                let result = try await body()
                _ = try? await lock.query("SELECT pg_advisory_unlock(\(lockKey))")
                return result
            } catch {
                _ = try? await lock.query("SELECT pg_advisory_unlock(\(lockKey))")
                throw error
            }
        }
    }

    func vendorNames(_ vendor: String?) throws -> [String] {
        guard let vendor else { return vendors.keys.sorted() }
        guard vendors[vendor] != nil else {
            throw ReconcileError(
                code: .unknownVendor,
                message:
                    "vendor \(vendor) is not configured (configured: \(vendors.keys.sorted().joined(separator: ", ")))")
        }
        return [vendor]
    }

    func passes(over names: [String], dryRun: Bool) async throws -> ReconcileReport {
        let reader = DesiredStateReader(pool: pool, planner: planner)
        let employees = try await reader.employees()
        let managed = try await reader.managedProjects()
        var report = ReconcileReport(dryRun: dryRun, passes: [])
        for name in names {
            try Task.checkCancellation()
            report.passes.append(
                try await pass(name, employees: employees, managed: managed[name] ?? [], dryRun: dryRun))
        }
        return report
    }

    private func pass(
        _ vendor: String, employees: [Reconciliation.Employee], managed: Set<String>, dryRun: Bool
    ) async throws -> ReconcileReport.VendorPass {
        let store = ReconcileStore(pool: pool)
        let runID = dryRun ? nil : try await store.startRun(vendor: vendor, kind: .pass, worker: workerID)
        var result = ReconcileReport.VendorPass(vendor: vendor, runID: runID)
        let startedAt = Date()
        do {
            let (inventory, calls) = try await VendorInventoryReader(vendors: vendors, logger: logger).read(
                vendor, notBefore: startedAt)
            result.vendorCalls = calls
            result.unlisted = inventory.unlisted
            result.unreadable = inventory.unreadable
            let validity = (vendors[vendor]?.connector as? any InventoryReading)?.inviteValidity
            let findings = Reconciliation.findings(
                inventory, employees: employees,
                rules: .init(
                    managedProjects: managed, inviteValidity: validity,
                    now: Timestamp(secondsSince1970: Date().timeIntervalSince1970))
            )
            result.entries = try await react(to: findings, employees: employees, runID: runID)
            if let runID {
                try await store.record(result.entries, vendor: vendor, runID: runID)
                try await store.finishRun(
                    runID, findings: result.entries.count, jobsCreated: result.jobsCreated, vendorCalls: calls,
                    error: nil)
            }
            logger.info(
                "reconciliation pass",
                metadata: [
                    "vendor": "\(vendor)", "findings": "\(result.entries.count)", "jobs": "\(result.jobsCreated)",
                    "vendor_calls": "\(calls)", "dry_run": "\(dryRun)",
                ])
        } catch let error as CancellationError {
            if let runID {
                try? await store.finishRun(
                    runID, findings: 0, jobsCreated: 0, vendorCalls: result.vendorCalls, error: "stopped")
            }
            throw error
        } catch {
            let message = Self.describe(error)
            result.error = message
            if let runID {
                try await store.finishRun(
                    runID, findings: 0, jobsCreated: 0, vendorCalls: result.vendorCalls, error: message)
            }
            logger.warning("reconciliation pass failed", metadata: ["vendor": "\(vendor)", "error": "\(message)"])
        }
        return result
    }

    /// The reaction to each finding, and the jobs created for them (one per employee and vendor;
    /// a dry run says which it would create).
    func react(
        to findings: [Finding], employees: [Reconciliation.Employee], runID: Int64?
    ) async throws -> [ReconcileReport.Entry] {
        try await react(to: findings, byID: Self.index(employees), runID: runID)
    }

    /// The employees by id (built once per pass or verification round, not per finding).
    static func index(_ employees: [Reconciliation.Employee]) -> [String: Reconciliation.Employee] {
        Dictionary(employees.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// ``react(to:employees:runID:)`` with the employees already indexed.
    func react(
        to findings: [Finding], byID: [String: Reconciliation.Employee], runID: Int64?
    ) async throws -> [ReconcileReport.Entry] {
        var entries = findings.map { finding in
            ReconcileReport.Entry(
                finding: finding,
                reaction: Self.reaction(
                    to: finding, employee: finding.employeeID.flatMap { byID[$0] }, drift: settings.drift))
        }
        var requests: [ReactionRequest: [Int]] = [:]
        for (index, entry) in entries.enumerated() where entry.reaction == .fix {
            guard let id = entry.finding.employeeID, let employee = byID[id] else { continue }
            let kind: HREvent.Kind = employee.access.isLeaver ? .offboarding : .changed
            var request = ReactionRequest(employeeID: id, vendor: entry.finding.vendor, kind: kind, grants: [])
            if kind == .changed, case .grants(let grants, let eventID) = employee.access {
                request.grants = grants
                request.decidedBy = eventID
            }
            requests[request, default: []].append(index)
        }
        for (request, indices) in requests.sorted(by: {
            ($0.key.employeeID, $0.key.vendor) < ($1.key.employeeID, $1.key.vendor)
        }) {
            let result: ReactionResult
            if let runID {
                result = try await jobs.create(request, runID: runID)
                // After its own transaction committed: one trip per held revocation.
                if result.status == .held { RosterMetrics.current.offboardingBrakeTripped(held: 1) }
            } else {
                result = ReactionResult(request: request, jobID: nil, status: nil, skipped: nil)
            }
            for index in indices { entries[index].job = result }
        }
        return entries
    }

    /// A failure in words safe to store and show: vendor and reconciliation errors are redacted by
    /// construction; anything else is named by its type only.
    static func describe(_ error: any Error) -> String {
        if let error = error as? VendorError { return error.description }
        if let error = error as? ReconcileError { return error.description }
        if let error = error as? PostgresError { return error.description }
        return "\(type(of: error))"
    }

    /// A leaver's access is always fixed (unless their job is already on its way); drift as
    /// configured; unknown accounts and stale invites are only reported.
    static func reaction(to finding: Finding, employee: Reconciliation.Employee?, drift: Reaction) -> Reaction {
        switch finding.situation {
        case .leaverHasAccess: finding.isResidual || employee?.hasUnfinishedJob == true ? .report : .fix
        case .missingGrant, .wrongRole, .extraGrant: drift
        case .unknownAccount, .staleInvite: .report
        }
    }
}

extension ReconcilePass {
    /// Runs `body` with a pass over vendors of its own (`roster reconcile`): its own HTTP client
    /// and connectors, the shared budgets and breakers in Postgres like a worker's.
    public static func withPass<Result: Sendable>(
        configuration: RosterConfiguration, pool: PostgresPool, workerID: String, logger: Logger,
        _ body: (ReconcilePass) async throws -> Result
    ) async throws -> Result {
        let client = HTTPVendorTransport.makeHTTPClient()
        do {
            let vendors = try VendorRuntime.governed(
                configuration: configuration, pool: pool, httpClient: client, logger: logger)
            let result = try await body(
                ReconcilePass(
                    configuration: configuration, pool: pool, vendors: vendors, workerID: workerID, logger: logger))
            try? await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }
}
