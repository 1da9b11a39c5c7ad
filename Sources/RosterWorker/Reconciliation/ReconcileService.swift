import Foundation
import Logging
import RosterCore
import RosterPostgres
import ServiceLifecycle

/// The `reconcile` service of a worker: verifies finished offboardings as they come due, and
/// runs a reconciliation pass over each vendor every `reconcile.interval_seconds`. Every process
/// runs it; the cluster-wide lock lets one at a time act (the others find it taken and wait for
/// the next tick), and the interval is measured from the last completed pass recorded in
/// Postgres, so restarts and extra workers do not add passes.
///
/// Everything it sends to vendors goes at ``CallPriority/background``: a pass never delays a
/// leaver's job.
struct ReconcileService: Service {
    let pass: ReconcilePass
    let settings: RosterConfiguration.Reconcile
    let logger: Logger

    /// How often due verifications are looked for: often enough that a check is late by at most
    /// this (a fraction of the verification delay, between 1 s and 30 s).
    var tick: Duration {
        .milliseconds(min(30_000, max(1_000, settings.verifyAfterSeconds * 1_000 / 4)))
    }

    func run() async throws {
        let verifier = OffboardingVerifier(pool: pass.pool, pass: pass, verifyAfterSeconds: settings.verifyAfterSeconds)
        // A graceful shutdown ends the loop (and a pass in flight) and the service returns.
        do {
            try await cancelWhenGracefulShutdown {
                while !Task.isCancelled {
                    await once(verifier)
                    try await Task.sleep(for: tick)
                }
            }
        } catch is CancellationError {
            return
        }
    }

    /// One tick: due verifications, then a pass over every vendor whose last pass is older than
    /// the interval. Failures are logged and tried again at the next tick.
    func once(_ verifier: OffboardingVerifier) async {
        do {
            _ = try await ReconcilePass.exclusively(pass.pool) {
                let verified = try await verifier.tick()
                if verified != OffboardingVerifier.Outcome() {
                    logger.info(
                        "offboardings verified",
                        metadata: [
                            "absent": "\(verified.absent)", "access_found": "\(verified.accessFound)",
                            "rehired": "\(verified.rehired)", "failed": "\(verified.failed)",
                        ])
                }
                for vendor in try await dueVendors() {
                    _ = try await pass.passes(over: [vendor], dryRun: false)
                }
            }
        } catch is CancellationError {
            return
        } catch {
            logger.warning("reconciliation tick failed", metadata: ["error": "\(ReconcilePass.describe(error))"])
        }
    }

    /// The vendors whose last completed pass is older than the interval (or never ran).
    func dueVendors() async throws -> [String] {
        let rows = try await pass.pool.query(
            """
            SELECT v.vendor FROM unnest(\(pass.vendors.keys.sorted())::text[]) AS v(vendor)
            WHERE NOT EXISTS (
                SELECT 1 FROM reconcile_runs r
                WHERE r.vendor = v.vendor AND r.kind = 'pass' AND r.outcome = 'completed'
                  AND r.started_at > now() - make_interval(secs => \(Int64(settings.intervalSeconds))))
            ORDER BY v.vendor
            """
        ).rows
        return try rows.map { try $0.decode(String.self, column: "vendor") }
    }
}
