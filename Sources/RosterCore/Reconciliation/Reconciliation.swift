/// Compares what one vendor holds (``VendorInventory``) with what HR says each known employee
/// should have (``DesiredAccess``) and names every difference as a ``Finding``. Pure: the worker
/// reads the inventory and the events, this decides.
///
/// Accounts are matched to employees by address, over every address Roster recorded for them.
/// When two employees share an address (a rehire under a new id), the one who should have access
/// owns it: an account is never called a leaver's while a current employee holds its address.
public enum Reconciliation {
    /// One employee Roster knows, as reconciliation sees them.
    public struct Employee: Sendable, Hashable {
        /// Roster's employee id (HR's `data.employee.id`).
        public var id: String
        /// Every address Roster recorded for them, lower-cased.
        public var addresses: Set<String>
        /// What HR says they should have now.
        public var access: DesiredAccess
        /// A job of theirs is queued, running, retrying or held: that job is making the vendor
        /// match, so drift is not reported (it would race the job) and no reaction is created.
        public var hasUnfinishedJob: Bool

        /// An employee with `addresses`, which are lower-cased here.
        public init(id: String, addresses: Set<String>, access: DesiredAccess, hasUnfinishedJob: Bool = false) {
            self.id = id
            self.addresses = Set(addresses.map { $0.lowercased() })
            self.access = access
            self.hasUnfinishedJob = hasUnfinishedJob
        }
    }

    /// What reconciliation is told besides the two states.
    public struct Rules: Sendable, Hashable {
        /// The projects Roster manages at this vendor (named by the policy or by any recorded
        /// event): only there is a membership Roster did not ask for an `extra_grant`.
        public var managedProjects: Set<String>
        /// How long the vendor keeps an invite valid; `nil`: the invite's own `expiresAt` only.
        public var inviteValidity: Duration?
        /// The time of the pass, which invites' expiry and validity are judged against.
        public var now: Timestamp

        /// Rules for one pass at one vendor.
        public init(managedProjects: Set<String>, inviteValidity: Duration?, now: Timestamp) {
            self.managedProjects = managedProjects
            self.inviteValidity = inviteValidity
            self.now = now
        }
    }

    /// Every difference at `inventory`'s vendor, sorted.
    public static func findings(_ inventory: VendorInventory, employees: [Employee], rules: Rules) -> [Finding] {
        let vendor = inventory.vendor
        let owners = owners(of: employees)
        var findings: [Finding] = []
        func add(
            _ situation: Situation, _ employee: Employee?, _ target: [String: String], _ detail: String,
            removable: Bool = true
        ) {
            let detail = removable ? detail : detail + "; the vendor's API cannot remove it: a person must (residual)"
            findings.append(
                Finding(
                    situation: situation, vendor: vendor, employeeID: employee?.id, target: target, detail: detail,
                    isResidual: !removable))
        }
        var unknownUsers = Set<String>()

        for member in inventory.members {
            switch owners[member.email] {
            case nil:
                unknownUsers.insert(member.id)
                add(
                    .unknownAccount, nil, ["user_id": member.id].adding("role", member.role),
                    "an organisation member Roster knows no employee for; reported only, never removed automatically")
            case let employee? where employee.access.isLeaver:
                add(
                    .leaverHasAccess, employee, ["user_id": member.id],
                    "an offboarded employee is still an organisation member", removable: member.removable)
            default:
                break
            }
        }
        for invite in inventory.invites {
            let employee = owners[invite.email]
            if let employee, employee.access.isLeaver {
                add(.leaverHasAccess, employee, ["invite_id": invite.id], "an offboarded employee has a pending invite")
            } else if isStale(invite, rules: rules) {
                add(.staleInvite, employee, ["invite_id": invite.id], "an invite pending past its validity")
            } else if employee == nil {
                add(
                    .unknownAccount, nil, ["invite_id": invite.id],
                    "a pending invite for an address Roster knows no employee for; reported only")
            }
        }
        for membership in inventory.memberships {
            let target = [
                "user_id": membership.userID, "project_id": membership.projectID, "project": membership.project,
            ]
            guard let email = membership.email ?? inventory.email(ofUser: membership.userID),
                let employee = owners[email]
            else {
                if !unknownUsers.contains(membership.userID) {
                    add(
                        .unknownAccount, nil, target.adding("role", membership.role),
                        "a project member Roster knows no employee for; reported only")
                }
                continue
            }
            // Implied access goes with the organisation membership, which has its own finding.
            guard !membership.implied else { continue }
            if employee.access.isLeaver {
                add(
                    .leaverHasAccess, employee, target, "an offboarded employee is still a project member",
                    removable: membership.removable)
                continue
            }
            guard !employee.hasUnfinishedJob else { continue }
            let wanted = employee.access.grants(at: vendor).first { $0.project == membership.project }
            if let wanted {
                if wanted.role.lowercased() != membership.role.lowercased() {
                    add(
                        .wrongRole, employee, target.adding("role", membership.role).adding("wanted_role", wanted.role),
                        "project role differs from the one the latest event asks for")
                }
            } else if rules.managedProjects.contains(membership.project) {
                add(
                    .extraGrant, employee, target.adding("role", membership.role),
                    "a membership of a project Roster manages that the latest event does not ask for")
            }
        }
        for key in inventory.keys {
            guard let email = key.ownerEmail ?? key.ownerID.flatMap(inventory.email(ofUser:)),
                let employee = owners[email],
                employee.access.isLeaver
            else { continue }
            add(
                .leaverHasAccess, employee,
                ["key_id": key.id].adding("project_id", key.projectID).adding("user_id", key.ownerID),
                "an offboarded employee still owns an API key", removable: key.removable)
        }
        findings += missingGrants(inventory, employees: employees)
        return findings.sorted()
    }

    /// Whether `invite` is past the vendor's validity (or its own expiry).
    static func isStale(_ invite: VendorInventory.Invite, rules: Rules) -> Bool {
        if let expires = invite.expiresAt, expires < rules.now { return true }
        if let validity = rules.inviteValidity, let created = invite.createdAt, created.adding(validity) < rules.now {
            return true
        }
        return false
    }

    /// The owner of each address: an employee who should have access before one who should not,
    /// then the lowest id (so the choice never depends on input order).
    static func owners(of employees: [Employee]) -> [String: Employee] {
        var owners: [String: Employee] = [:]
        for employee in employees {
            for address in employee.addresses {
                guard let current = owners[address] else {
                    owners[address] = employee
                    continue
                }
                let better =
                    (current.access.isLeaver && !employee.access.isLeaver)
                    || (current.access.isLeaver == employee.access.isLeaver && employee.id < current.id)
                if better { owners[address] = employee }
            }
        }
        return owners
    }

    /// Grants a current employee's latest event asks for at this vendor that no membership of
    /// theirs holds. A pending invite at the vendor counts as on its way (the vendor grants on
    /// acceptance), as does an unfinished job.
    static func missingGrants(_ inventory: VendorInventory, employees: [Employee]) -> [Finding] {
        var findings: [Finding] = []
        for employee in employees where !employee.access.isLeaver && !employee.hasUnfinishedJob {
            let wanted = employee.access.grants(at: inventory.vendor)
            guard !wanted.isEmpty else { continue }
            if inventory.invites.contains(where: { employee.addresses.contains($0.email) }) { continue }
            let userIDs = Set(inventory.members.filter { employee.addresses.contains($0.email) }.map(\.id))
            let held = Set(
                inventory.memberships.filter { membership in
                    if let email = membership.email, employee.addresses.contains(email) { return true }
                    return userIDs.contains(membership.userID)
                }.map(\.project))
            for grant in wanted where !held.contains(grant.project) {
                findings.append(
                    Finding(
                        situation: .missingGrant, vendor: inventory.vendor, employeeID: employee.id,
                        target: ["project": grant.project, "wanted_role": grant.role],
                        detail: "the latest event asks for this project and the vendor shows no membership"
                    ))
            }
        }
        return findings
    }
}

extension Dictionary where Key == String, Value == String {
    /// A copy with `key` set when `value` is not `nil`.
    func adding(_ key: String, _ value: String?) -> [String: String] {
        guard let value else { return self }
        var copy = self
        copy[key] = value
        return copy
    }
}
