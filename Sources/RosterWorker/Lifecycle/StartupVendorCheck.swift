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
        try await cancelWhenGracefulShutdown {
            let report = await doctor.run()
            try Task.checkCancellation()
            VendorDoctor.log(report, to: logger)
        }
    }
}
