import AsyncHTTPClient
import Foundation
import Logging
import RosterCore
import RosterVendors

/// Checks every configured vendor: one read call with its key (works, refused, unreachable), the
/// roles the vendor really has, every role the configuration names resolved against them (with
/// the closest match where one fails), and the configured rate budget next to what the vendor
/// advertises in rate-limit headers. `roster doctor` prints the ``DoctorReport``; a worker runs
/// the same check at start-up and logs it (``log(_:to:)``) without waiting for it.
///
/// The calls go through the vendors' own clients over the same transports the executor uses
/// (``VendorRegistry``), without the shared rate limiter: a handful of reads per vendor. Keys
/// are read from the environment and never leave the transports; the report names only the
/// variables.
public struct VendorDoctor: Sendable {
    /// The vendors and policy this doctor checks.
    public let configuration: RosterConfiguration
    private let environment: [String: String]
    private let httpClient: HTTPClient
    private let requestTimeout: Duration
    private let transports: [String: any VendorTransport]

    /// - Parameters:
    ///   - configuration: The vendors and policy to check.
    ///   - environment: Where the keys are (`ProcessInfo.processInfo.environment`).
    ///   - httpClient: The caller's client; the caller shuts it down.
    ///   - requestTimeout: The deadline per vendor request.
    ///   - transports: Transports to use instead of the plain ones, by instance name (a worker
    ///     passes its governed transports, so the check spends the shared rate budget).
    public init(
        configuration: RosterConfiguration,
        environment: [String: String],
        httpClient: HTTPClient,
        requestTimeout: Duration = .seconds(10),
        transports: [String: any VendorTransport] = [:]
    ) {
        self.transports = transports
        self.configuration = configuration
        self.environment = environment
        self.httpClient = httpClient
        self.requestTimeout = requestTimeout
    }

    /// Checks every vendor with an HTTP client of its own, shut down before returning
    /// (`roster doctor`).
    ///
    /// - Parameters:
    ///   - configuration: The vendors and policy to check.
    ///   - environment: Where the keys are.
    ///   - timeout: The deadline per vendor request.
    public static func run(
        configuration: RosterConfiguration, environment: [String: String], timeout: Duration
    ) async -> DoctorReport {
        let client = HTTPVendorTransport.makeHTTPClient(readTimeout: timeout)
        let report = await VendorDoctor(
            configuration: configuration, environment: environment, httpClient: client, requestTimeout: timeout
        ).run()
        try? await client.shutdown()
        return report
    }

    /// Checks every vendor at once; never throws: failures are in the report.
    public func run() async -> DoctorReport {
        let vendors = configuration.vendors.sorted { $0.key < $1.key }
        let checked = await withTaskGroup(of: DoctorReport.Vendor.self) { group in
            for (name, vendor) in vendors {
                group.addTask { await self.check(name: name, vendor: vendor) }
            }
            var results: [DoctorReport.Vendor] = []
            for await result in group { results.append(result) }
            return results
        }
        return DoctorReport(vendors: checked.sorted { $0.name < $1.name })
    }

    /// One vendor instance.
    func check(name: String, vendor: RosterConfiguration.Vendor) async -> DoctorReport.Vendor {
        // The budget's tightest sustained window (PostHog's default has two: 480/min and 4,800/h).
        let window = vendor.effectiveBudget.windows.max { $0.emissionInterval < $1.emissionInterval }
        let rate = (
            requestsPerSecond: window.map { 1 / $0.emissionInterval.inSeconds } ?? 0,
            burst: window?.burst ?? 0
        )
        var report = DoctorReport.Vendor(
            name: name, kind: vendor.kind.rawValue, baseURL: vendor.baseURL, apiKeyEnv: vendor.apiKeyEnv,
            key: .ok, rolesSource: vendor.kind == .confidentAI ? "vendor" : "documented", roles: nil,
            requestsPerSecond: rate.requestsPerSecond, burst: rate.burst
        )
        let grants = configuration.policy.flatMap(\.grant).filter { $0.vendor == name }
        let key = (environment[vendor.apiKeyEnv] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        var probe: VendorProbe.Result?
        let problems = vendor.problems(name: name)
        if vendor.kind == .noop {
            report.key = .skipped
            probe = VendorProbe.documented(.noop)
        } else if key.isEmpty {
            report.key = .missing
            report.error = "environment variable \(vendor.apiKeyEnv) is not set or empty"
        } else if !problems.isEmpty {
            report.key = .error
            report.error = problems.joined(separator: "; ")
        } else {
            let instance = VendorRegistry.makeInstance(
                name: name, vendor: vendor, apiKey: key, httpClient: httpClient, requestTimeout: requestTimeout
            )
            let recorder = RateLimitHeaderRecorder(base: transports[name] ?? instance.baseTransport)
            let call = VendorProbe(
                name: name, vendor: vendor, transport: recorder, apiKey: key,
                policyProjects: Array(Set(grants.map(\.project))).sorted()
            )
            do {
                probe = try await call.run()
            } catch {
                (report.key, report.httpStatus, report.error) = Self.classify(error)
                // A vendor may echo the key it refused; it never reaches the report.
                report.error = report.error?.replacingOccurrences(of: key, with: "****")
            }
            report.advertised = recorder.headers
            let learning = vendor.effectiveLearning
            report.maximumRequestsPerSecond = learning.maximumRequestsPerSecond
            if let rate = AdvertisedLimit(headers: recorder.headers)?.requestsPerSecond {
                report.advertisedRequestsPerSecond = rate
                report.learnedRequestsPerSecond = LearnedBudget.requestsPerSecond(learning.ceiling(advertised: rate))
            }
        }
        if probe == nil { probe = VendorProbe.documented(vendor.kind) }
        if let probe {
            report.rolesSource = probe.rolesSource
            report.roles = probe.roles
            report.organizationRoles = probe.organizationRoles
        }
        report.roleChecks = DoctorRoleChecks(name: name, vendor: vendor, grants: grants, probe: probe).checks()
        return report
    }

    /// The key status, HTTP status and redacted message for a failed read call.
    static func classify(_ error: any Error) -> (DoctorReport.KeyStatus, Int?, String?) {
        guard let error = error as? VendorError else {
            return (.error, nil, "unexpected error: \(type(of: error))")
        }
        let status: DoctorReport.KeyStatus
        switch error.code {
        case .transport, .timeout: status = .unreachable
        case .http where error.status == 401 || error.status == 403: status = .refused
        default: status = .error
        }
        return (status, error.status, error.description)
    }

    // MARK: - Logging

    /// Logs one line per vendor: `info` when it is fine, `warning` with what failed otherwise.
    /// Names vendors, variables, statuses and role names; never a key or an address.
    public static func log(_ report: DoctorReport, to logger: Logger) {
        for vendor in report.vendors {
            var metadata: Logger.Metadata = [
                "vendor": "\(vendor.name)", "vendor.key": "\(vendor.key.rawValue)",
                "vendor.rate": "\(vendor.requestsPerSecond)/s burst \(vendor.burst)",
            ]
            if let learned = vendor.learnedRequestsPerSecond {
                metadata["vendor.rate.advertised"] = "\(vendor.advertisedRequestsPerSecond ?? 0)/s"
                metadata["vendor.rate.learned"] = "\(learned)/s"
            }
            if let status = vendor.httpStatus { metadata["http.status"] = "\(status)" }
            if let error = vendor.error { metadata["error"] = "\(error)" }
            let failed = vendor.failedRoles.map { check in
                "\(check.source) \(check.role)" + (check.suggestion.map { " (did you mean \($0)?)" } ?? "")
            }
            if !failed.isEmpty { metadata["roles.unknown"] = "\(failed.joined(separator: "; "))" }
            let warnings = vendor.roleChecks.filter { $0.status == .warning }.map(\.role)
            if !warnings.isEmpty { metadata["roles.warning"] = "\(warnings.joined(separator: ", "))" }
            if vendor.ok {
                logger.info("vendor check passed", metadata: metadata)
            } else {
                logger.warning("vendor check failed", metadata: metadata)
            }
        }
    }
}
