import Logging
import ServiceLifecycle

/// The vendor check a worker runs once at start-up (keys, roles and budgets of every vendor,
/// ``VendorDoctor``) and logs. The worker does not wait for it: it runs beside the other services
/// (with `successTerminationBehavior: .ignore`) and stops early when the group shuts down, so a
/// worker starts and stops while a vendor is unreachable too.
struct StartupVendorCheck: Service {
    let doctor: VendorDoctor
    let logger: Logger

    func run() async throws {
        // The check spends the vendors' shared budget like any other call (its transports are
        // the governed ones) and is counted in the worker's metrics.
        // Never throws: a check cut short by the shutdown is no failure of the worker (a
        // service's error would cancel the group instead of letting it drain).
        await cancelWhenGracefulShutdown {
            let report = await doctor.run()
            guard !Task.isCancelled else { return }
            VendorDoctor.log(report, to: logger)
        }
    }
}
