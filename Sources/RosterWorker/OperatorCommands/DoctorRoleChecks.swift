import RosterCore

/// Resolves every role one vendor instance's configuration names (its `roles:` mapping, the
/// policy grants for it, Roster's default mapping it does not override, and for Confident AI the
/// organization role new people are invited with) against the roles the vendor really has.
///
/// A role the configuration names that does not resolve is ``DoctorReport/RoleStatus/unknown``
/// (a failure); a default mapping that does not resolve is only a
/// ``DoctorReport/RoleStatus/warning``, since only events naming that role would die. Each
/// failure carries the closest existing role (``RoleSuggestion``).
struct DoctorRoleChecks {
    typealias Check = DoctorReport.RoleCheck

    let name: String
    let vendor: RosterConfiguration.Vendor
    /// The policy's grants for this instance.
    let grants: [AccessGrant]
    /// What the vendor's roles are; `nil` when they could not be read.
    let probe: VendorProbe.Result?
    /// The organization role Confident AI invitations use (``ConfidentAIConnector``'s default).
    var organizationInviteRole = "Member"

    private var kind: RosterConfiguration.Vendor.Kind { vendor.kind }
    private var mapping: RoleMapping { RoleMapping(vendor: name, configuration: vendor) }
    private var scope: String { kind == .posthog ? "organization" : "project" }

    /// Every check, in the order `roles`, `policy`, `default`, `organization_invite`.
    func checks() -> [Check] {
        var result: [Check] = []
        let overrides = vendor.roles ?? [:]
        for (role, vendorRole) in overrides.sorted(by: { $0.key < $1.key }) {
            result.append(check(source: "roles", role: role, vendorRole: vendorRole, project: nil, failure: .unknown))
        }
        var seen = Set<AccessGrant>()
        for grant in grants.sorted() where seen.insert(grant).inserted {
            do {
                let vendorRole = try mapping.vendorRole(for: grant.role)
                result.append(
                    check(
                        source: "policy", role: grant.role, vendorRole: vendorRole, project: grant.project,
                        failure: .unknown)
                )
            } catch {
                let candidates = mapping.knownRoles + (probe?.roles ?? [])
                result.append(
                    Check(
                        source: "policy", role: grant.role, vendorRole: nil, scope: scope, project: grant.project,
                        status: .unknown, suggestion: RoleSuggestion.closest(to: grant.role, in: candidates),
                        message: "\(error)"
                    )
                )
            }
        }
        let overridden = Set(overrides.keys.map { $0.lowercased() })
        for (role, vendorRole) in RoleMapping.defaults(for: kind).sorted(by: { $0.key < $1.key })
        where !overridden.contains(role) {
            result.append(check(source: "default", role: role, vendorRole: vendorRole, project: nil, failure: .warning))
        }
        if kind == .confidentAI {
            result.append(organizationInvite())
        }
        return result
    }

    // MARK: - One role

    private func check(
        source: String, role: String, vendorRole: String, project: String?, failure: DoctorReport.RoleStatus
    ) -> Check {
        var check = Check(
            source: source, role: role, vendorRole: vendorRole, scope: scope, project: project, status: .ok)
        if kind == .relevanceAI, vendorRole.lowercased().hasPrefix("role:") {
            check.message = "a permission action, passed through unchecked"
            return check
        }
        if kind == .confidentAI, vendorRole.lowercased() == "owner" {
            check.status = failure
            check.message = "Roster never grants Confident AI's project Owner role (it transfers ownership)"
            return check
        }
        let projectRoles = project.flatMap { probe?.projectRoles[$0] }
        guard let roles = projectRoles ?? probe?.roles else {
            check.status = .unchecked
            check.message = probe == nil ? "the vendor's roles could not be read" : "no project to read roles from"
            return check
        }
        if projectRoles == nil, kind == .confidentAI, let project, let from = probe?.rolesProject {
            check.message = "project \(project) does not exist yet; checked against the roles of \(from)"
        }
        return resolve(check, in: roles, failure: failure, scopeName: "project")
    }

    private func organizationInvite() -> Check {
        let check = Check(
            source: "organization_invite", role: organizationInviteRole, vendorRole: organizationInviteRole,
            scope: "organization", status: .ok
        )
        guard let roles = probe?.organizationRoles else {
            var unchecked = check
            unchecked.status = .unchecked
            unchecked.message = "the vendor's roles could not be read"
            return unchecked
        }
        return resolve(check, in: roles, failure: .unknown, scopeName: "organization")
    }

    /// `check` resolved in `roles`: exact, or ignoring case where the vendor does (Confident AI).
    private func resolve(
        _ check: Check, in roles: [String], failure: DoctorReport.RoleStatus, scopeName: String
    ) -> Check {
        var check = check
        let wanted = check.vendorRole ?? check.role
        if roles.contains(wanted) { return check }
        if kind == .confidentAI, roles.contains(where: { $0.lowercased() == wanted.lowercased() }) { return check }
        check.status = failure
        check.suggestion = RoleSuggestion.closest(to: wanted, in: roles)
        var message = "\(name) has no \(scopeName) role \(wanted) (roles: \(roles.joined(separator: ", ")))"
        if let note = check.message { message += "; " + note }
        check.message = message
        return check
    }
}
