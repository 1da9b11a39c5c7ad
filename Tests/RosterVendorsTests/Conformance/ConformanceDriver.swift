import Foundation
import Logging
import RosterCore
import RosterVendors
import Synchronization
import Testing

/// Runs a person's jobs against one ``ConformanceVendor`` the way the engine runs them
/// (Sources/RosterWorker/Execution/JobRunner.swift):
///
/// - steps in plan order (``onboarding(_:)``, ``change(_:)``, ``offboarding``, as
///   ``JobPlanner`` plans them), each with a fresh ``StepState`` in a new job;
/// - every checkpoint recorded; a retried attempt resumes from the step's last checkpoint;
/// - freshness by the engine's rule, ``DirectoryFreshness/forStep(isRevocation:attempt:startedAt:personTouchedAt:)``,
///   for connectors that read a directory (`.any` otherwise, as the engine does). The engine
///   reads `personTouchedAt` once per run of a job: the last time a step for the person
///   succeeded in an earlier job or an earlier run of this one. The driver keeps the same time;
///   a retry or a deferral ends the run, so the next one reads it anew;
/// - a retryable ``VendorError`` → the step again as attempt + 1;
/// - ``AwaitingAcceptance`` → the person accepts (``ConformanceVendor/accept(_:)``) and the step
///   runs again with its attempt given back, as the engine's deferral would.
final class ConformanceDriver: Sendable {
    struct StepRun: Sendable {
        var step: VendorStep
        var outcome: StepOutcome
        var attempts: Int
    }

    private struct Log: Sendable {
        var checkpoints: [StepState] = []
        var errors: [VendorError] = []
        var deferrals = 0
        var retries = 0
        var touchedAt: Date?
    }

    let vendor: any ConformanceVendor
    let employee: Employee
    private let log = Mutex(Log())
    /// Attempts per step before the driver gives up (the engine's budget is larger; the suite's
    /// faults need at most two).
    let maximumAttempts = 4
    /// Deferrals per step before the driver gives up.
    let maximumDeferrals = 2

    init(vendor: any ConformanceVendor, employee: Employee) {
        self.vendor = vendor
        self.employee = employee
    }

    /// Every retryable error a step threw, in order.
    var errors: [VendorError] { log.withLock { $0.errors } }
    /// How many times a step ran again after a retryable error.
    var retries: Int { log.withLock { $0.retries } }
    /// How many times a step waited for the person to accept.
    var deferrals: Int { log.withLock { $0.deferrals } }

    // MARK: - Plans (Sources/RosterCore/Jobs/JobPlanner.swift)

    /// Onboarding: per grant (sorted, one per project) `ensure_project`, then `ensure_access`.
    func onboarding(_ grants: [(project: String, role: String)]) -> [VendorStep] {
        grants.map { AccessGrant(vendor: vendor.instance, project: $0.project, role: $0.role) }.sorted().flatMap {
            grant in
            [
                VendorStep(vendor: grant.vendor, action: .ensureProject, project: grant.project),
                VendorStep(vendor: grant.vendor, action: .ensureAccess, project: grant.project, role: grant.role),
            ]
        }
    }

    /// Change: one `reconcile` for the vendor carrying every grant the person should have there.
    func change(_ grants: [(project: String, role: String)]) -> [VendorStep] {
        let grants = grants.map { AccessGrant(vendor: vendor.instance, project: $0.project, role: $0.role) }.sorted()
        return [VendorStep(vendor: vendor.instance, action: .reconcile, grants: grants)]
    }

    /// Offboarding: ``JobPlanner/offboardingPhases`` in order.
    var offboarding: [VendorStep] {
        JobPlanner.offboardingPhases.map { VendorStep(vendor: vendor.instance, action: $0) }
    }

    // MARK: - Running

    /// Runs one job's steps in order; returns each step's outcome.
    @discardableResult
    func run(_ steps: [VendorStep]) async throws -> [StepRun] {
        var personTouchedAt = log.withLock { $0.touchedAt }
        var runs: [StepRun] = []
        for step in steps {
            var state = StepState()
            var attempt = 1
            var deferrals = 0
            while true {
                let recorder = StepRecorder()
                let freshness: DirectoryFreshness =
                    vendor.connector.usesDirectory
                    ? .forStep(
                        isRevocation: step.action.isRevocation, attempt: attempt, startedAt: Date(),
                        personTouchedAt: personTouchedAt)
                    : .any
                do {
                    let outcome = try await vendor.connector.run(
                        step, for: employee,
                        context: recorder.context(transport: vendor.transport, state: state, freshness: freshness)
                    )
                    log.withLock {
                        $0.checkpoints += recorder.checkpoints
                        $0.touchedAt = Date()
                    }
                    runs.append(StepRun(step: step, outcome: outcome, attempts: attempt))
                    break
                } catch let wait as AwaitingAcceptance {
                    // The engine defers the step (its attempt given back) and looks again later;
                    // meanwhile the person accepts.
                    state = recorder.checkpoints.last ?? state
                    deferrals += 1
                    log.withLock { $0.deferrals += 1 }
                    guard deferrals <= maximumDeferrals else {
                        Issue.record("\(step.name) still waits for acceptance after \(deferrals) deferrals: \(wait)")
                        throw wait
                    }
                    try vendor.accept(employee.email)
                    personTouchedAt = log.withLock { $0.touchedAt }
                } catch let error as VendorError where error.isRetryable {
                    state = recorder.checkpoints.last ?? state
                    log.withLock {
                        $0.errors.append(error)
                        $0.retries += 1
                    }
                    attempt += 1
                    guard attempt <= maximumAttempts else {
                        Issue.record("\(step.name) still fails after \(attempt - 1) attempts: \(error)")
                        throw error
                    }
                    personTouchedAt = log.withLock { $0.touchedAt }
                }
            }
        }
        return runs
    }
}
