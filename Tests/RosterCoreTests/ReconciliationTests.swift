import RosterCore
import Testing

/// Findings from one vendor's inventory against known employees, as values.
@Suite struct ReconciliationTests {
    let now = Timestamp(secondsSince1970: 1_800_000_000)
    var rules: Reconciliation.Rules {
        .init(managedProjects: ["research", "ops"], inviteValidity: .seconds(7 * 86_400), now: now)
    }

    func employee(
        _ id: String, _ access: DesiredAccess, busy: Bool = false, also: [String] = []
    ) -> Reconciliation.Employee {
        .init(id: id, addresses: Set(["\(id.lowercased())@example.com"] + also), access: access, hasUnfinishedJob: busy)
    }

    var alice: Reconciliation.Employee {
        employee("alice", .grants([AccessGrant(vendor: "openai", project: "research", role: "member")], eventID: "a1"))
    }
    var bob: Reconciliation.Employee { employee("bob", .nothing(offboardingEventID: "b2")) }

    @Test func aLeaversMembershipInviteAndKeyAreEachFound() {
        let inventory = VendorInventory(
            vendor: "openai",
            members: [.init(id: "user-bob", email: "BOB@example.com")],
            invites: [.init(id: "inv-bob", email: "bob@example.com", createdAt: now)],
            memberships: [.init(projectID: "proj-r", project: "research", userID: "user-bob", role: "member")],
            keys: [.init(id: "key-1", projectID: "proj-r", ownerID: "user-bob")]
        )
        let findings = Reconciliation.findings(inventory, employees: [bob], rules: rules)
        #expect(findings.map(\.situation) == Array(repeating: .leaverHasAccess, count: 4))
        #expect(
            Set(
                findings.compactMap {
                    $0.target["invite_id"] ?? $0.target["key_id"] ?? $0.target["project_id"] ?? $0.target["user_id"]
                })
                == ["inv-bob", "key-1", "proj-r", "user-bob"])
        #expect(findings.allSatisfy { $0.employeeID == "bob" })
        #expect(!findings.contains { "\($0)".contains("@") }, "findings carry vendor ids, never an address")
    }

    @Test func anOldAddressOfALeaverIsStillTheirs() {
        let leaver = employee("bob", .nothing(offboardingEventID: "b2"), also: ["robert@old.example.com"])
        let inventory = VendorInventory(
            vendor: "openai", members: [.init(id: "u-old", email: "robert@old.example.com")])
        #expect(
            Reconciliation.findings(inventory, employees: [leaver], rules: rules).map(\.situation) == [.leaverHasAccess]
        )
    }

    @Test func anAddressSharedWithACurrentEmployeeIsNotALeaversAccess() {
        // Rehired under a new employee id with the same address: the account is the current one's.
        let old = employee("bob", .nothing(offboardingEventID: "b2"))
        let rehired = Reconciliation.Employee(
            id: "bob-2", addresses: ["bob@example.com"], access: .grants([], eventID: "r1"))
        let inventory = VendorInventory(vendor: "openai", members: [.init(id: "user-bob", email: "bob@example.com")])
        #expect(Reconciliation.findings(inventory, employees: [old, rehired], rules: rules).isEmpty)
    }

    @Test func driftIsNamedMissingWrongOrExtra() {
        let carol = employee(
            "carol",
            .grants(
                [
                    AccessGrant(vendor: "openai", project: "research", role: "owner"),
                    AccessGrant(vendor: "openai", project: "billing", role: "member"),
                ], eventID: "c1"))
        let inventory = VendorInventory(
            vendor: "openai",
            members: [.init(id: "user-carol", email: "carol@example.com")],
            memberships: [
                .init(projectID: "proj-r", project: "research", userID: "user-carol", role: "member"),
                .init(projectID: "proj-o", project: "ops", userID: "user-carol", role: "member"),
                .init(projectID: "proj-x", project: "sandbox", userID: "user-carol", role: "member"),
            ]
        )
        let findings = Reconciliation.findings(inventory, employees: [carol], rules: rules)
        #expect(
            findings.map(\.situation).sorted { $0.rawValue < $1.rawValue } == [.extraGrant, .missingGrant, .wrongRole])
        #expect(findings.first { $0.situation == .wrongRole }?.target["wanted_role"] == "owner")
        #expect(findings.first { $0.situation == .missingGrant }?.target["project"] == "billing")
        #expect(
            findings.first { $0.situation == .extraGrant }?.target["project"] == "ops",
            "sandbox is not managed by Roster: not extra")
    }

    @Test func roleComparisonIgnoresLetterCase() {
        let inventory = VendorInventory(
            vendor: "openai", members: [.init(id: "u-a", email: "alice@example.com")],
            memberships: [.init(projectID: "p", project: "research", userID: "u-a", role: "Member")])
        #expect(Reconciliation.findings(inventory, employees: [alice], rules: rules).isEmpty)
    }

    @Test func aPendingInviteOrAnUnfinishedJobIsNotDrift() {
        let invited = VendorInventory(
            vendor: "openai", invites: [.init(id: "inv-a", email: "alice@example.com", createdAt: now)])
        #expect(Reconciliation.findings(invited, employees: [alice], rules: rules).isEmpty)
        let empty = VendorInventory(vendor: "openai")
        #expect(Reconciliation.findings(empty, employees: [alice], rules: rules).map(\.situation) == [.missingGrant])
        var busy = alice
        busy.hasUnfinishedJob = true
        #expect(
            Reconciliation.findings(empty, employees: [busy], rules: rules).isEmpty, "the onboarding job is on its way")
    }

    @Test func aBusyLeaverIsStillFound() {
        var leaver = bob
        leaver.hasUnfinishedJob = true
        let inventory = VendorInventory(vendor: "openai", members: [.init(id: "user-bob", email: "bob@example.com")])
        #expect(
            Reconciliation.findings(inventory, employees: [leaver], rules: rules).map(\.situation) == [.leaverHasAccess]
        )
    }

    @Test func unknownAccountsAreReportedOncePerUser() {
        let inventory = VendorInventory(
            vendor: "openai",
            members: [.init(id: "u-x", email: "stranger@example.com", role: "owner")],
            invites: [.init(id: "inv-x", email: "guest@example.com", createdAt: now)],
            memberships: [.init(projectID: "p", project: "research", userID: "u-x", role: "owner")]
        )
        let findings = Reconciliation.findings(inventory, employees: [alice], rules: rules)
        #expect(
            findings.filter { $0.situation == .unknownAccount }.count == 2,
            "the member and the invite; the membership is the same user")
        #expect(findings.allSatisfy { $0.employeeID == nil || $0.situation == .missingGrant })
    }

    @Test func staleInvitesByAgeOrByTheirOwnExpiry() {
        let old = now.adding(.seconds(-8 * 86_400))
        let inventory = VendorInventory(
            vendor: "openai",
            invites: [
                .init(id: "inv-old", email: "alice@example.com", createdAt: old),
                .init(
                    id: "inv-expired", email: "dave@example.com", createdAt: now, expiresAt: now.adding(.seconds(-1))),
                .init(id: "inv-fresh", email: "erin@example.com", createdAt: now),
            ])
        let dave = employee("dave", .grants([], eventID: "d1"))
        let erin = employee("erin", .grants([], eventID: "e1"))
        let findings = Reconciliation.findings(inventory, employees: [alice, dave, erin], rules: rules)
        #expect(
            findings.filter { $0.situation == .staleInvite }.compactMap { $0.target["invite_id"] }.sorted() == [
                "inv-expired", "inv-old",
            ])
        #expect(findings.filter { $0.situation == .staleInvite }.allSatisfy { $0.employeeID != nil })
    }

    @Test func theKeyOfAFindingIgnoresRolesSoAChangedRoleIsTheSameFinding() {
        let a = Finding(
            situation: .wrongRole, vendor: "openai", employeeID: "c",
            target: ["project_id": "p", "role": "member", "wanted_role": "owner"], detail: "")
        var b = a
        b.target["role"] = "reader"
        #expect(a.key == b.key)
        #expect(a.key == "wrong_role|openai|c|project_id=p")
    }
}

extension ReconciliationTests {
    @Test func accessTheAPICannotRemoveIsResidualNotRetried() {
        // Relevance AI has no API to remove an organisation member: the leaver's membership is
        // found, and marked residual so that no job is made to fail at it again.
        let inventory = VendorInventory(
            vendor: "relevance", members: [.init(id: "u-bob", email: "bob@example.com", removable: false)],
            keys: [.init(id: "k-1", ownerID: "u-bob")])
        let findings = Reconciliation.findings(inventory, employees: [bob], rules: rules)
        #expect(findings.map(\.isResidual).sorted { !$0 && $1 } == [false, true])
        #expect(findings.first { $0.isResidual }?.detail.contains("residual") == true)
    }
}

extension ReconciliationTests {
    @Test func impliedAccessIsHeldButNeverExtraWrongOrALeaversFinding() {
        // PostHog: every member sees every open project; the organisation membership is the grant.
        let carol = employee(
            "carol", .grants([AccessGrant(vendor: "posthog", project: "research", role: "admin")], eventID: "c1"))
        let inventory = VendorInventory(
            vendor: "posthog",
            members: [
                .init(id: "u-c", email: "carol@example.com", role: "member"),
                .init(id: "u-b", email: "bob@example.com"),
            ],
            memberships: [
                .init(projectID: "1", project: "research", userID: "u-c", role: "member", implied: true),
                .init(projectID: "2", project: "ops", userID: "u-c", role: "member", implied: true),
                .init(projectID: "2", project: "ops", userID: "u-b", role: "member", implied: true),
            ]
        )
        let findings = Reconciliation.findings(inventory, employees: [carol, bob], rules: rules)
        #expect(
            findings.map(\.situation) == [.leaverHasAccess], "the leaver's organisation membership only: \(findings)")
        #expect(findings.first?.target == ["user_id": "u-b"])
    }
}
