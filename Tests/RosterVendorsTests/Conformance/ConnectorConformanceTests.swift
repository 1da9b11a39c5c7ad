import Foundation
import RosterCore
import RosterTesting
import RosterVendors
import Testing

/// Issue 14: every connector passes one shared conformance suite — onboard, change, offboard,
/// crash windows and 429 shapes — run against its fake through the connector's public API
/// (``VendorConnector/run(_:for:context:)``) only, with steps as ``JobPlanner`` plans them and
/// run as the engine runs them (``ConformanceDriver``). Behaviour is proved by the fakes' state
/// and call logs, never by wall-clock bounds.
@Suite("Connector conformance")
struct ConnectorConformanceTests {
    static let vendors = ConformanceVendorKind.allCases

    static let person = Employee(id: "E14001", email: "joiner@example.com", name: "Jo Iner")

    // MARK: - 1. Onboard

    @Test(
        "onboard: a joiner reaches project A with the plain role; a second run makes no mutating call",
        arguments: vendors)
    func onboard(_ kind: ConformanceVendorKind) async throws {
        try await kind.with { vendor in
            let email = Self.person.email
            try vendor.seedProject("A")
            let driver = ConformanceDriver(vendor: vendor, employee: Self.person)
            let job = driver.onboarding([("A", vendor.plainRole)])

            try await driver.run(job)
            #expect(vendor.reachable(email) == ["A": vendor.plainRole])
            let first = vendor.mutationsSent.count

            try await driver.run(job)
            let again = vendor.mutationsSent.dropFirst(first).map(Self.key)
            #expect(again.isEmpty, "the second onboarding repeated mutations: \(again)")
            #expect(vendor.reachable(email) == ["A": vendor.plainRole])
            Self.note("onboard", kind, "\(first) mutating call(s), then \(again.count); deferrals \(driver.deferrals)")
        }
    }

    // MARK: - 2. Change

    @Test(
        "change: onboarded into A and accepted, a change to [B, stronger role] leaves B with that role and not A",
        arguments: vendors)
    func change(_ kind: ConformanceVendorKind) async throws {
        try await kind.with { vendor in
            let email = Self.person.email
            try vendor.seedProject("A")
            try vendor.seedProject("B")
            let driver = ConformanceDriver(vendor: vendor, employee: Self.person)
            try await driver.run(driver.onboarding([("A", vendor.plainRole)]))
            try vendor.accept(email)
            #expect(vendor.reachable(email) == ["A": vendor.plainRole])

            let runs = try await driver.run(driver.change([("B", vendor.strongerRole)]))
            let reachable = vendor.reachable(email)
            if vendor.capabilities.removesPerProjectAccess {
                #expect(reachable == ["B": vendor.strongerRole])
            } else {
                #expect(reachable["B"] == vendor.strongerRole)
            }
            Self.note(
                "change", kind, "reachable \(reachable.sorted { $0.key < $1.key }); \(runs.map(\.outcome.summary))")
        }
    }

    // MARK: - 3. Offboard

    @Test("offboard: after the offboarding phases nothing is left but what a residual names", arguments: vendors)
    func offboard(_ kind: ConformanceVendorKind) async throws {
        try await kind.with { vendor in
            let email = Self.person.email
            for project in ["A", "B", "C"] { try vendor.seedProject(project) }
            let driver = ConformanceDriver(vendor: vendor, employee: Self.person)
            try await driver.run(driver.onboarding([("A", vendor.plainRole), ("B", vendor.strongerRole)]))
            try vendor.accept(email)
            #expect(vendor.reachable(email) == ["A": vendor.plainRole, "B": vendor.strongerRole])
            let seededKey = try vendor.seedAPIKey(for: email)
            if vendor.capabilities.memberCanHoldPendingProjectInvite {
                // A pending invite elsewhere: the person never accepts this one.
                try await driver.run(driver.onboarding([("C", vendor.plainRole)]))
                #expect(vendor.reachable(email)["C"] == vendor.plainRole)
                #expect(vendor.leftovers(email).contains { $0.kind == .pendingInvite })
            }
            let before = vendor.leftovers(email)
            #expect(before.contains { $0.kind == .organizationMembership })
            if seededKey { #expect(before.contains { $0.kind == .apiKey }) }

            let runs = try await driver.run(driver.offboarding)
            let residuals = runs.compactMap(\.outcome.residual)
            let left = vendor.leftovers(email)
            #expect(
                Set(left.map(\.kind)) == vendor.capabilities.offboardingLeaves,
                "left after offboarding: \(left); residuals: \(residuals)")
            for leftover in left {
                #expect(
                    residuals.contains { leftover.kind.isNamed(by: $0) },
                    "\(leftover) is left, but no step's residual names it (residuals: \(residuals))")
            }
            #expect(vendor.reachable(email).isEmpty)
            Self.note(
                "offboard", kind,
                "before \(before.map(\.kind.rawValue)); left \(left.map(\.description)); residual steps \(runs.filter { $0.outcome.residual != nil }.map(\.step.name))"
            )
        }
    }

    // MARK: - 4. Crash windows

    @Test(
        "crash windows: each mutating call of an onboarding applied but answered 503, then retried: right state, nothing repeated",
        arguments: vendors)
    func crashWindows(_ kind: ConformanceVendorKind) async throws {
        // The unfaulted run: its mutating calls are the crash windows.
        var allCalls: [FakeCall] = []
        var mutations: [FakeCall] = []
        try await kind.with { vendor in
            try Self.prepareCrashWindowRun(vendor)
            let driver = ConformanceDriver(vendor: vendor, employee: Self.person)
            try await driver.run(driver.onboarding([("A", vendor.plainRole)]))
            #expect(vendor.reachable(Self.person.email) == ["A": vendor.plainRole])
            #expect(driver.retries == 0)
            allCalls = vendor.fake.calls.calls
            mutations = vendor.admittedMutations
        }
        #expect(!mutations.isEmpty)

        for (index, target) in mutations.enumerated() {
            let k = index + 1
            // A matcher names a method and a path prefix: calls before the target that it would
            // also match get a pass-through fault each, so the crash lands on the target.
            let earlier = allCalls.filter {
                $0.id < target.id && $0.method == target.method && $0.path.hasPrefix(target.path)
            }
            try await kind.with { vendor in
                try Self.prepareCrashWindowRun(vendor)
                vendor.fake.injectFaults(
                    Array(repeating: FakeFault.delay(.zero), count: earlier.count) + [.statusAfterApplying(503)],
                    matching: FakeRequestMatcher(method: target.method, pathPrefix: target.path)
                )
                let driver = ConformanceDriver(vendor: vendor, employee: Self.person)
                try await driver.run(driver.onboarding([("A", vendor.plainRole)]))

                let crashed = vendor.fake.calls.calls.filter { $0.outcome == .faultAfterApplying }.map(Self.key)
                #expect(crashed == [Self.key(target)], "window \(k): the crash hit \(crashed), not \(Self.key(target))")
                #expect(vendor.fake.pendingFaults.isEmpty)
                #expect(driver.retries == 1, "window \(k): \(driver.retries) retries")
                #expect(
                    vendor.reachable(Self.person.email) == ["A": vendor.plainRole],
                    "window \(k) (\(Self.key(target))): reachable \(vendor.reachable(Self.person.email))")
                let repeated = Self.repeated(vendor.admittedMutations, comparedWith: mutations)
                #expect(repeated.isEmpty, "window \(k) (\(Self.key(target))): repeated \(repeated)")
                Self.note(
                    "crash window \(k)/\(mutations.count)", kind,
                    "\(Self.key(target)) → \(vendor.admittedMutations.count) admitted mutation(s), repeated \(repeated.count)"
                )
            }
        }
    }

    /// Seeds what the crash-window runs start from: nothing, or project A where a created project
    /// could not show per-project access.
    static func prepareCrashWindowRun(_ vendor: any ConformanceVendor) throws {
        if vendor.capabilities.crashWindowsNeedSeededProject { try vendor.seedProject("A") }
    }

    // MARK: - 5. 429 shapes

    @Test(
        "429 shapes: a 429 on the first call is a retryable error with the wait asked for; the retry succeeds",
        arguments: vendors)
    func rateLimited(_ kind: ConformanceVendorKind) async throws {
        var shapes: [RateLimitShape] = []
        try await kind.with { shapes = RateLimitShape.generic + $0.ownRateLimitShapes }
        for shape in shapes {
            try await kind.with { vendor in
                shape.prepare(vendor)
                try vendor.seedProject("A")
                vendor.fake.injectFaults([.status(429, retryAfter: shape.retryAfter)], matching: .any)
                let driver = ConformanceDriver(vendor: vendor, employee: Self.person)
                try await driver.run(driver.onboarding([("A", vendor.plainRole)]))

                #expect(vendor.fake.calls.first?.status == 429)
                #expect(vendor.fake.calls.first?.outcome == .fault)
                #expect(driver.errors.count == 1, "\(shape): errors \(driver.errors)")
                if let error = driver.errors.first {
                    // A vendor's 429 is an HTTP failure with its status; `.rateLimited` is Roster's
                    // own limiter refusing before any call (VendorError.Code docs).
                    #expect(error.code == .http, "\(shape): \(error)")
                    #expect(error.status == 429, "\(shape): \(error)")
                    #expect(error.isRetryable, "\(shape): \(error)")
                    #expect(error.retryAfter == shape.expectedWait, "\(shape): \(error)")
                }
                #expect(vendor.reachable(Self.person.email) == ["A": vendor.plainRole])
                Self.note(
                    "429 shape", kind,
                    "\(shape): \(driver.errors.map { "retryAfter \(String(describing: $0.retryAfter))" })")
            }
        }
    }

    // MARK: - Helpers

    /// A call as `METHOD path body`, the body's JSON keys sorted so that equal bodies compare equal.
    static func key(_ call: FakeCall) -> String {
        guard let body = call.body, !body.isEmpty else { return "\(call.method) \(call.path)" }
        let normalized =
            (try? JSONSerialization.jsonObject(with: Data(body.utf8), options: [.fragmentsAllowed]))
            .flatMap { try? JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys, .fragmentsAllowed]) }
            .map { String(decoding: $0, as: UTF8.self) } ?? body
        return "\(call.method) \(call.path) \(normalized)"
    }

    /// Mutations `calls` made more often than the unfaulted run made them (at least once allowed).
    static func repeated(_ calls: [FakeCall], comparedWith clean: [FakeCall]) -> [String] {
        let allowed = Dictionary(clean.map { (key($0), 1) }, uniquingKeysWith: +)
        let made = Dictionary(calls.map { (key($0), 1) }, uniquingKeysWith: +)
        return made.filter { $0.value > max(1, allowed[$0.key] ?? 0) }.map { "\($0.key) ×\($0.value)" }.sorted()
    }

    static func note(_ scenario: String, _ kind: ConformanceVendorKind, _ text: String) {
        print("conformance | \(scenario) | \(kind.rawValue) | \(text)")
    }
}
