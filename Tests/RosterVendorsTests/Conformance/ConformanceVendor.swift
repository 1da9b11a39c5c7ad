import Foundation
import RosterCore
import RosterTesting
import RosterVendors
import Testing

/// One vendor and its fake, adapted for the shared conformance suite (issue 14).
///
/// An adapter knows only three things about the vendor: how to build its connector and a
/// transport to the fake, the vendor's own vocabulary (two roles), and how to read the fake's
/// state as access a person has (``reachable(_:)``) or anything left of them (``leftovers(_:)``).
/// The suite drives the connector through its public API only
/// (``VendorConnector/run(_:for:context:)``), so connector internals may change freely.
protocol ConformanceVendor: Sendable {
    /// The configured instance name steps carry (`openai`, `posthog`, …).
    var instance: String { get }
    /// The connector under test, one per fake (as one worker process holds one per vendor).
    var connector: any VendorConnector { get }
    /// A plain transport to the fake (no rate limiter or breaker), credentials included.
    var transport: any VendorTransport { get }
    /// The fake, for its call log and fault queue.
    var fake: any FakeVendorServer { get }

    /// A plain project role in the vendor's vocabulary.
    var plainRole: String { get }
    /// A role that grants more than ``plainRole``, in the vendor's vocabulary.
    var strongerRole: String { get }
    /// What the vendor can and cannot do by design.
    var capabilities: ConformanceCapabilities { get }

    /// Creates a project named `name` in the fake, as an operator would have beforehand.
    func seedProject(_ name: String) throws
    /// The projects `email` is a member of or holds a pending invite for, with the role there
    /// (in the vendor's vocabulary), as the fake's state shows it.
    func reachable(_ email: String) -> [String: String]
    /// Anything of `email` left in the fake: organization membership, pending invites, project
    /// memberships, API keys. Descriptions carry ids, never the address.
    func leftovers(_ email: String) -> [Leftover]
    /// The person accepts every invitation they hold (organization ones first).
    func accept(_ email: String) throws
    /// Gives the person an API key of their own where the vendor has such keys (they must be a
    /// member already); `false` when the vendor has none.
    func seedAPIKey(for email: String) throws -> Bool
    /// Whether `call` changes the vendor's state (vendors differ in how they read).
    func isMutation(_ call: FakeCall) -> Bool
    /// The 429 answers to play on the first call, beyond the generic two (with and without
    /// `Retry-After`): the vendor's own shape, when its fake has one.
    var ownRateLimitShapes: [RateLimitShape] { get }

    /// Stops the fake.
    func stop() async
}

extension ConformanceVendor {
    var ownRateLimitShapes: [RateLimitShape] { [] }

    /// The calls that reached the fake's logic and changed state, in order.
    var admittedMutations: [FakeCall] { fake.calls.calls.filter { $0.wasAdmitted && isMutation($0) } }

    /// Every call the fake classifies as changing state, admitted or not.
    var mutationsSent: [FakeCall] { fake.calls.calls.filter { isMutation($0) } }
}

/// What a vendor can do by design, with the source of each rule in the adapter.
struct ConformanceCapabilities: Sendable {
    /// Whether a `reconcile` can take away access to a single project while the person stays in
    /// the organization. When `false`, the change scenario asserts only the new grant.
    var removesPerProjectAccess = true
    /// Whether someone already in the organization can hold a pending invite to another project
    /// (per-project invitations), so the offboarding scenario can leave one to revoke.
    var memberCanHoldPendingProjectInvite = false
    /// What an offboarding leaves by design (each must be named by a step's `residual`).
    var offboardingLeaves: Set<Leftover.Kind> = []
    /// Whether onboarding in the crash-window scenario must find a seeded project rather than
    /// create it (true where a project the connector creates could not show per-project access).
    var crashWindowsNeedSeededProject = false
}

/// Something of a person left at a vendor.
struct Leftover: Sendable, Hashable, CustomStringConvertible {
    enum Kind: String, Sendable, Hashable, CaseIterable {
        case organizationMembership = "organization membership"
        case pendingInvite = "pending invite"
        case projectMembership = "project membership"
        case apiKey = "API key"

        /// Whether `residual` (a step's ``StepOutcome/residual``) names this kind of leftover.
        func isNamed(by residual: String) -> Bool {
            let text = residual.lowercased()
            switch self {
            case .organizationMembership:
                return (text.contains("organization") || text.contains("organisation")) && text.contains("member")
            case .pendingInvite: return text.contains("invit")
            case .projectMembership: return text.contains("project")
            case .apiKey: return text.contains("key")
            }
        }
    }

    var kind: Kind
    var detail: String

    init(_ kind: Kind, _ detail: String) {
        self.kind = kind
        self.detail = detail
    }

    var description: String { "\(kind.rawValue) (\(detail))" }
}

/// One 429 answer for the rate-limit scenario.
struct RateLimitShape: Sendable, CustomStringConvertible {
    /// A short name for output.
    var name: String
    /// The `Retry-After` seconds the fault carries (`nil`: no header asked for).
    var retryAfter: Int?
    /// The wait the connector must report.
    var expectedWait: Duration?
    /// Switches the fake into this shape before the run.
    var prepare: @Sendable (any ConformanceVendor) -> Void = { _ in }

    var description: String { name }

    /// `Retry-After: 2`, and none.
    static let generic: [RateLimitShape] = [
        RateLimitShape(name: "429 with Retry-After: 2", retryAfter: 2, expectedWait: .seconds(2)),
        RateLimitShape(name: "429 without Retry-After", retryAfter: nil, expectedWait: nil),
    ]
}

/// The four vendors, as test arguments.
enum ConformanceVendorKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case openAI = "openai"
    case postHog = "posthog"
    case relevanceAI = "relevance"
    case confidentAI = "confident"

    var testDescription: String { rawValue }

    /// Starts a fresh fake and its adapter.
    func start() async throws -> any ConformanceVendor {
        switch self {
        case .openAI: try await OpenAIConformance.start()
        case .postHog: try await PostHogConformance.start()
        case .relevanceAI: try await RelevanceAIConformance.start()
        case .confidentAI: try await ConfidentAIConformance.start()
        }
    }

    /// Starts a fresh fake, hands its adapter to `body`, and stops the fake.
    func with(_ body: (any ConformanceVendor) async throws -> Void) async throws {
        let vendor = try await start()
        do {
            try await body(vendor)
            await vendor.stop()
        } catch {
            await vendor.stop()
            throw error
        }
    }
}
