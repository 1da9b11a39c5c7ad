/// Turns one HR event into the ordered ``VendorStep``s of its job. Pure: the same event and
/// configuration always give the same plan, and planning never touches a vendor.
///
/// - **Onboarding**: for each desired grant (``desiredGrants(for:)``), grouped by vendor and then
///   project, `ensure_project` once per (vendor, project) followed by its `ensure_access`.
/// - **Changed**: one `reconcile` per configured vendor, sorted by name, carrying every grant the
///   employee should have there; a vendor with none gets `grants: []`, so access there goes.
/// - **Offboarding**: every configured vendor, not only those Roster granted in, in four phases
///   (``offboardingPhases``): all pending invites, then all API keys, then all project
///   memberships, then all organization memberships; vendors by name within a phase. It never
///   reads grants, so a policy or role problem can never stop a leaver's revocation.
///
/// Why phases rather than one vendor after another: every vendor's steps keep the order its
/// connector needs (invites before keys before memberships: OpenAI hides the keys of people
/// who left a project), and on top of that, in plan order, no vendor's memberships come before
/// every vendor's keys, so the credentials that work without a login go first everywhere. A
/// vendor whose chain stops (its key revocation failed for good) does not hold the others back:
/// they go on to their memberships (``VendorChains``).
/// Closing invites first means nothing cleaned later can come back through an invite accepted
/// meanwhile. Steps of different vendors are otherwise independent: an executor may run each
/// vendor's chain concurrently as long as it keeps the order within a vendor.
public struct JobPlanner: Sendable {
    /// The configuration plans are made against.
    public let configuration: RosterConfiguration
    private let policy: AccessPolicy
    private let mappings: [String: RoleMapping]

    /// The offboarding actions, in the order every vendor goes through them.
    public static let offboardingPhases: [VendorStep.Action] = [
        .revokeInvites, .revokeAPIKeys, .removeProjectMemberships, .removeOrganizationMembership,
    ]

    /// - Parameter configuration: The vendors, their role overrides and the access policy.
    public init(configuration: RosterConfiguration) {
        self.configuration = configuration
        self.policy = AccessPolicy(rules: configuration.policy)
        var mappings: [String: RoleMapping] = [:]
        for (name, vendor) in configuration.vendors {
            mappings[name] = RoleMapping(vendor: name, configuration: vendor)
        }
        self.mappings = mappings
    }

    /// The configured vendor instance names, sorted.
    public var vendorNames: [String] { configuration.vendors.keys.sorted() }

    /// The steps of the job for `event`, in the order they must run.
    ///
    /// - Throws: ``PlanningError`` when a grant names an unconfigured vendor or a role the vendor
    ///   does not know (onboarding and changed events only).
    public func plan(for event: HREvent) throws(PlanningError) -> [VendorStep] {
        switch event.kind {
        case .onboarding:
            return try desiredGrants(for: event).flatMap { grant in
                [
                    VendorStep(vendor: grant.vendor, action: .ensureProject, project: grant.project),
                    VendorStep(vendor: grant.vendor, action: .ensureAccess, project: grant.project, role: grant.role),
                ]
            }
        case .changed:
            let byVendor = Dictionary(grouping: try desiredGrants(for: event), by: \.vendor)
            return vendorNames.map { name in
                VendorStep(vendor: name, action: .reconcile, grants: byVendor[name] ?? [])
            }
        case .offboarding:
            return Self.offboardingPhases.flatMap { action in
                vendorNames.map { VendorStep(vendor: $0, action: action) }
            }
        }
    }

    /// An offboarding's plan when Roster recorded `otherAddresses` more addresses for the employee
    /// than the event's own: the same steps again for each of them (`address` 0, 1, …), after the
    /// event's own, so that someone whose address changed since they were provisioned loses the
    /// old account too. Each vendor's chain keeps its phase order per address.
    public func plan(for event: HREvent, otherAddresses: Int) throws -> [VendorStep] {
        let base = try plan(for: event)
        guard event.kind == .offboarding, otherAddresses > 0 else { return base }
        return base
            + (0..<otherAddresses).flatMap { index in
                base.map { step in
                    var step = step
                    step.address = index
                    return step
                }
            }
    }

    /// The access `event` asks for (its explicit `access`, else the policy's grants), with roles
    /// in each vendor's vocabulary, one grant per (vendor, project), sorted.
    ///
    /// When two grants name the same project with different roles (two matching policy rules,
    /// say), the one granting more wins, by ``RoleMapping/rank(of:)``; a role Roster cannot rank
    /// loses to one it can, and between two such roles the alphabetically last wins, so the
    /// choice never depends on input order.
    ///
    /// - Throws: ``PlanningError`` for an unconfigured vendor or an unknown role.
    public func desiredGrants(for event: HREvent) throws(PlanningError) -> [AccessGrant] {
        var chosen: [ProjectKey: AccessGrant] = [:]
        for grant in policy.grants(for: event) {
            guard let mapping = mappings[grant.vendor] else {
                let configured = vendorNames.isEmpty ? "none" : vendorNames.joined(separator: ", ")
                throw PlanningError(
                    code: .unknownVendor,
                    description: "vendor \(grant.vendor) is not configured (configured: \(configured))"
                )
            }
            let mapped = AccessGrant(
                vendor: grant.vendor,
                project: grant.project,
                role: try mapping.vendorRole(for: grant.role)
            )
            let key = ProjectKey(vendor: grant.vendor, project: grant.project)
            if let current = chosen[key], !Self.grantsMore(mapped.role, than: current.role, mapping: mapping) {
                continue
            }
            chosen[key] = mapped
        }
        return chosen.values.sorted()
    }

    /// Whether `candidate` should replace `current` as a project's role.
    static func grantsMore(_ candidate: String, than current: String, mapping: RoleMapping) -> Bool {
        let a = mapping.rank(of: candidate) ?? -1
        let b = mapping.rank(of: current) ?? -1
        return a != b ? a > b : candidate > current
    }

    private struct ProjectKey: Hashable {
        var vendor: String
        var project: String
    }
}
