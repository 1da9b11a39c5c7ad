import Foundation
import RosterTesting
import Testing

/// One kind of job at one vendor, seeded afresh for each employee so that every crash point of
/// ``CrashWindowTests`` meets the same vendor state with its own target.
struct CrashScenario: Sendable, CustomStringConvertible {
    /// `openai-joiner`, `posthog-leaver`, …: also the prefix of its employees and event ids.
    let name: String
    let vendor: String
    let type: String

    var description: String { name }

    /// Seeds what the job meets at the vendor for the employee's address; returns an id the check
    /// needs (the user the job acts on), if any.
    func seed(_ f: VendorFixture, _ employee: String, _ email: String) throws -> String? {
        switch name {
        case "oaj": try Self.seedOAJ(f, employee, email)
        case "oam": try Self.seedOAM(f, employee, email)
        case "oal": try Self.seedOAL(f, employee, email)
        case "phj": try Self.seedPHJ(f, employee, email)
        case "phm": try Self.seedPHM(f, employee, email)
        case "phl": try Self.seedPHL(f, employee, email)
        case "cfm": try Self.seedCFM(f, employee, email)
        case "cfl": try Self.seedCFL(f, employee, email)
        case "rvj": try Self.seedRVJ(f, employee, email)
        case "rvm": try Self.seedRVM(f, employee, email)
        case "rvl": try Self.seedRVL(f, employee, email)
        default: nil
        }
    }

    /// The event's `access` grants (`nil` for an offboarding).
    func grants(_ employee: String) -> [(String, String, String)]? {
        switch name {
        case "oaj": Self.grantsOAJ(employee)
        case "oam": Self.grantsOAM(employee)
        case "oal": Self.grantsOAL(employee)
        case "phj": Self.grantsPHJ(employee)
        case "phm": Self.grantsPHM(employee)
        case "phl": Self.grantsPHL(employee)
        case "cfm": Self.grantsCFM(employee)
        case "cfl": Self.grantsCFL(employee)
        case "rvj": Self.grantsRVJ(employee)
        case "rvm": Self.grantsRVM(employee)
        case "rvl": Self.grantsRVL(employee)
        default: nil
        }
    }

    /// Expects the vendor's final state to be exactly what the event asks for.
    func verify(_ f: VendorFixture, _ employee: String, _ email: String, _ seeded: String?) {
        switch name {
        case "oaj": Self.verifyOAJ(f, employee, email, seeded)
        case "oam": Self.verifyOAM(f, employee, email, seeded)
        case "oal": Self.verifyOAL(f, employee, email, seeded)
        case "phj": Self.verifyPHJ(f, employee, email, seeded)
        case "phm": Self.verifyPHM(f, employee, email, seeded)
        case "phl": Self.verifyPHL(f, employee, email, seeded)
        case "cfm": Self.verifyCFM(f, employee, email, seeded)
        case "cfl": Self.verifyCFL(f, employee, email, seeded)
        case "rvj": Self.verifyRVJ(f, employee, email, seeded)
        case "rvm": Self.verifyRVM(f, employee, email, seeded)
        case "rvl": Self.verifyRVL(f, employee, email, seeded)
        default: Issue.record("unknown scenario \(name)")
        }
    }

    var isOffboarding: Bool { type == "hr.employee.offboarding" }

    /// The projects every scenario of a vendor shares (seeded once per fixture).
    static func seedSharedProjects(_ f: VendorFixture, vendor: String) throws {
        switch vendor {
        case "openai":
            f.openai.addProject(name: "oa-base")
            f.openai.addProject(name: "oa-other")
        case "posthog":
            f.posthog.addProject(name: "ph-priv", isPrivate: true)
        case "confident":
            try f.confident.addProject(name: "cf-base")
            try f.confident.addProject(name: "cf-two")
        default:
            f.relevance.addProject(name: "rv-base")
            f.relevance.addProject(name: "rv-two")
        }
    }

    /// Every scenario of `vendor`: onboarding a newcomer (projects created, invitations, an
    /// invitation replaced), onboarding an existing member (memberships added, roles changed) and
    /// offboarding (invitations, keys, memberships, the organization membership).
    static func all(vendor: String) -> [CrashScenario] {
        switch vendor {
        case "openai": openAI
        case "posthog": postHog
        case "confident": confident
        default: relevance
        }
    }

    static let onboarding = "hr.employee.onboarding"
    static let offboarding = "hr.employee.offboarding"

    /// A project of the employee's own, created by the job.
    static func own(_ prefix: String, _ employee: String) -> String { "\(prefix)-new-\(employee.lowercased())" }

    static let openAI: [CrashScenario] = [
        CrashScenario(name: "oaj", vendor: "openai", type: onboarding),
        CrashScenario(name: "oam", vendor: "openai", type: onboarding),
        CrashScenario(name: "oal", vendor: "openai", type: offboarding),
    ]

    static let postHog: [CrashScenario] = [
        CrashScenario(name: "phj", vendor: "posthog", type: onboarding),
        CrashScenario(name: "phm", vendor: "posthog", type: onboarding),
        CrashScenario(name: "phl", vendor: "posthog", type: offboarding),
    ]

    static let confident: [CrashScenario] = [
        CrashScenario(name: "cfm", vendor: "confident", type: onboarding),
        CrashScenario(name: "cfl", vendor: "confident", type: offboarding),
    ]

    static let relevance: [CrashScenario] = [
        CrashScenario(name: "rvj", vendor: "relevance", type: onboarding),
        CrashScenario(name: "rvm", vendor: "relevance", type: onboarding),
        CrashScenario(name: "rvl", vendor: "relevance", type: offboarding),
    ]

    // MARK: - Scenarios

    // create project, invite, invite replaced (delete + create) to carry both projects.
    static func seedOAJ(_ _: VendorFixture, _ _: String, _ _: String) throws -> String? {
        nil
    }

    static func grantsOAJ(_ employee: String) -> [(String, String, String)]? {
        [("openai", "oa-base", "owner"), ("openai", own("oa", employee), "member")]
    }

    static func verifyOAJ(_ f: VendorFixture, _ employee: String, _ email: String, _ _: String?) {
        let projects = f.openai.projects.filter { $0.name == own("oa", employee) }
        #expect(projects.count == 1, "\(employee): one project created")
        let base = f.openai.projects.first { $0.name == "oa-base" }
        let pending = f.openai.invites.filter { $0.email == email && $0.status == .pending }
        #expect(pending.count == 1, "\(employee): one pending invite: \(pending)")
        let grants = Set(pending.first?.projects?.map { "\($0.projectID)=\($0.role)" } ?? [])
        #expect(
            grants == ["\(base?.id ?? "?")=owner", "\(projects.first?.id ?? "?")=member"], "\(employee): \(grants)")
        #expect(!f.openai.users.contains { $0.email == email })
    }

    // role changed in one project, membership added in a created one.
    static func seedOAM(_ f: VendorFixture, _ _: String, _ email: String) throws -> String? {
        let user = f.openai.addUser(email: email)
        let base = f.openai.projects.first { $0.name == "oa-base" }!
        try f.openai.addProjectMember(projectID: base.id, userID: user.id, role: "member")
        return user.id
    }

    static func grantsOAM(_ employee: String) -> [(String, String, String)]? {
        [("openai", "oa-base", "owner"), ("openai", own("oa", employee), "member")]
    }

    static func verifyOAM(_ f: VendorFixture, _ employee: String, _ email: String, _ user: String?) {
        let base = f.openai.projects.first { $0.name == "oa-base" }!
        let projects = f.openai.projects.filter { $0.name == own("oa", employee) }
        #expect(projects.count == 1, "\(employee): one project created")
        #expect(f.openai.members(of: base.id).filter { $0.userID == user }.map(\.role) == ["owner"], "\(employee)")
        #expect(projects.first.map { f.openai.members(of: $0.id).map(\.userID) } == [user!], "\(employee)")
        #expect(!f.openai.invites.contains { $0.email == email && $0.status == .pending }, "\(employee): no invite")
    }

    // invite, two keys, two memberships, the organization membership.
    static func seedOAL(_ f: VendorFixture, _ _: String, _ email: String) throws -> String? {
        let user = f.openai.addUser(email: email)
        for name in ["oa-base", "oa-other"] {
            let project = f.openai.projects.first { $0.name == name }!
            try f.openai.addProjectMember(projectID: project.id, userID: user.id)
            try f.openai.addAPIKey(projectID: project.id, name: "k", ownerUserID: user.id)
        }
        f.openai.addInvite(email: email, status: .pending, projects: [])
        return user.id
    }

    static func grantsOAL(_ _: String) -> [(String, String, String)]? {
        nil
    }

    static func verifyOAL(_ f: VendorFixture, _ employee: String, _ email: String, _ user: String?) {
        #expect(!f.openai.users.contains { $0.id == user || $0.email == email }, "\(employee): user gone")
        #expect(!f.openai.invites.contains { $0.email == email && $0.status == .pending }, "\(employee): invite gone")
        for project in f.openai.projects {
            #expect(!f.openai.members(of: project.id).contains { $0.userID == user }, "\(employee): membership gone")
            #expect(!f.openai.apiKeys(in: project.id).contains { $0.ownerUserID == user }, "\(employee): keys gone")
        }
    }

    // create project, bulk invite, invite replaced by one granting the private project too.
    static func seedPHJ(_ _: VendorFixture, _ _: String, _ _: String) throws -> String? {
        nil
    }

    static func grantsPHJ(_ employee: String) -> [(String, String, String)]? {
        [("posthog", own("ph", employee), "member"), ("posthog", "ph-priv", "member")]
    }

    static func verifyPHJ(_ f: VendorFixture, _ employee: String, _ email: String, _ _: String?) {
        #expect(
            f.posthog.projects.filter { $0.name == own("ph", employee) }.count == 1, "\(employee): one project created")
        let priv = f.posthog.projects.first { $0.name == "ph-priv" }!
        let live = f.posthog.invites(email: email).filter { !$0.isExpired }
        #expect(live.count == 1, "\(employee): one live invite: \(live)")
        #expect(live.first?.privateProjectAccess.map(\.projectID) == [priv.id], "\(employee)")
        #expect(f.posthog.member(email: email) == nil)
    }

    // level raised, access to a private project given.
    static func seedPHM(_ f: VendorFixture, _ _: String, _ email: String) throws -> String? {
        f.posthog.addMember(email: email, level: 1).user.uuid
    }

    static func grantsPHM(_ _: String) -> [(String, String, String)]? {
        [("posthog", "ph-priv", "admin")]
    }

    static func verifyPHM(_ f: VendorFixture, _ employee: String, _ email: String, _ _: String?) {
        let priv = f.posthog.projects.first { $0.name == "ph-priv" }!
        #expect(f.posthog.member(email: email)?.level == 8, "\(employee): admin level")
        #expect(f.posthog.projectAccessLevel(projectID: priv.id, email: email) == "admin", "\(employee)")
        #expect(f.posthog.invites(email: email).isEmpty, "\(employee): no invite")
    }

    // two invites (one expired), the membership.
    static func seedPHL(_ f: VendorFixture, _ _: String, _ email: String) throws -> String? {
        let member = f.posthog.addMember(email: email)
        f.posthog.addPersonalAPIKey(userUUID: member.user.uuid)
        f.posthog.addInvite(email: email)
        f.posthog.addInvite(email: email, isExpired: true)
        return member.user.uuid
    }

    static func grantsPHL(_ _: String) -> [(String, String, String)]? {
        nil
    }

    static func verifyPHL(_ f: VendorFixture, _ employee: String, _ email: String, _ _: String?) {
        #expect(f.posthog.member(email: email) == nil, "\(employee): membership gone")
        #expect(f.posthog.invites(email: email).isEmpty, "\(employee): invites gone")
    }

    // role changed in one project; a created project's invitation (through the batcher).
    static func seedCFM(_ f: VendorFixture, _ _: String, _ email: String) throws -> String? {
        let member = f.confident.addMember(email: email)
        f.confident.addProjectMember(
            projectID: f.confident.project(named: "cf-base")!.id, userID: member.id, role: "Viewer")
        return member.id
    }

    static func grantsCFM(_ employee: String) -> [(String, String, String)]? {
        [("confident", "cf-base", "member"), ("confident", own("cf", employee), "viewer")]
    }

    static func verifyCFM(_ f: VendorFixture, _ employee: String, _ email: String, _ user: String?) {
        let base = f.confident.project(named: "cf-base")!
        #expect(
            f.confident.projects.filter { $0.name == own("cf", employee) }.count == 1,
            "\(employee): one project created")
        #expect(f.confident.projectRoleName(of: user!, in: base.id) == "Member", "\(employee): role changed")
        let pending = f.confident.pendingInvitations(email: email)
        let created = f.confident.project(named: own("cf", employee))
        #expect(pending.map(\.projectID) == [created?.id], "\(employee): one project invitation: \(pending)")
        #expect(
            pending.first?.roleID == created.flatMap { f.confident.projectRoleID(named: "Viewer", in: $0.id) },
            "\(employee)")
    }

    // organization and project invitations, two project memberships, the organization.
    static func seedCFL(_ f: VendorFixture, _ _: String, _ email: String) throws -> String? {
        let member = f.confident.addMember(email: email)
        for name in ["cf-base", "cf-two"] {
            f.confident.addProjectMember(projectID: f.confident.project(named: name)!.id, userID: member.id)
        }
        f.confident.addInvitation(email: email, role: "Member")
        f.confident.addInvitation(email: email, projectID: f.confident.project(named: "cf-two")!.id, role: "Viewer")
        return member.id
    }

    static func grantsCFL(_ _: String) -> [(String, String, String)]? {
        nil
    }

    static func verifyCFL(_ f: VendorFixture, _ employee: String, _ email: String, _ user: String?) {
        #expect(!f.confident.members.contains { $0.id == user || $0.email == email }, "\(employee): member gone")
        #expect(f.confident.pendingInvitations(email: email).isEmpty, "\(employee): invitations gone")
        for project in f.confident.projects {
            #expect(
                !f.confident.members(of: project.id).contains { $0.userID == user }, "\(employee): memberships gone")
        }
    }

    // an invite with another role replaced (delete + create); a created project's invite.
    static func seedRVJ(_ f: VendorFixture, _ _: String, _ email: String) throws -> String? {
        f.relevance.addInvite(email: email, projectID: f.relevance.project(named: "rv-base")!.id, action: "role:viewer")
        return nil
    }

    static func grantsRVJ(_ employee: String) -> [(String, String, String)]? {
        [("relevance", "rv-base", "editor"), ("relevance", own("rv", employee), "viewer")]
    }

    static func verifyRVJ(_ f: VendorFixture, _ employee: String, _ email: String, _ _: String?) {
        let base = f.relevance.project(named: "rv-base")!
        #expect(
            f.relevance.projects.filter { $0.name == own("rv", employee) }.count == 1,
            "\(employee): one project created")
        let created = f.relevance.project(named: own("rv", employee))
        let inBase = f.relevance.invites(in: base.id).filter { $0.email.lowercased() == email }
        #expect(inBase.map { $0.actions.filter(\.value).keys.sorted() } == [["role:editor"]], "\(employee): \(inBase)")
        let inOwn = created.map { f.relevance.invites(in: $0.id).filter { $0.email.lowercased() == email } } ?? []
        #expect(inOwn.map { $0.actions.filter(\.value).keys.sorted() } == [["role:viewer"]], "\(employee): \(inOwn)")
    }

    // a project role changed.
    static func seedRVM(_ f: VendorFixture, _ _: String, _ email: String) throws -> String? {
        f.relevance.addMember(email: email, projectID: f.relevance.project(named: "rv-base")!.id, action: "role:viewer")
            .id
    }

    static func grantsRVM(_ _: String) -> [(String, String, String)]? {
        [("relevance", "rv-base", "editor")]
    }

    static func verifyRVM(_ f: VendorFixture, _ employee: String, _ email: String, _ _: String?) {
        let base = f.relevance.project(named: "rv-base")!
        #expect(f.relevance.actions(of: email, in: base.id) == ["role:editor"], "\(employee)")
        #expect(
            f.relevance.invites(in: base.id).filter { $0.email.lowercased() == email }.isEmpty, "\(employee): no invite"
        )
    }

    // an invite, two keys, two project memberships.
    static func seedRVL(_ f: VendorFixture, _ _: String, _ email: String) throws -> String? {
        let base = f.relevance.project(named: "rv-base")!.id
        let two = f.relevance.project(named: "rv-two")!.id
        let user = f.relevance.addMember(email: email, projectID: base, action: "role:viewer")
        f.relevance.addMember(email: email, projectID: two, action: "role:editor")
        f.relevance.addAPIKey(userID: user.id, projectID: base)
        f.relevance.addAPIKey(userID: user.id, projectID: two)
        f.relevance.addInvite(email: email, projectID: two)
        return user.id
    }

    static func grantsRVL(_ _: String) -> [(String, String, String)]? {
        nil
    }

    static func verifyRVL(_ f: VendorFixture, _ employee: String, _ email: String, _ _: String?) {
        let traces = f.relevance.traces(of: email)
        #expect(traces.memberships == 0 && traces.invites == 0 && traces.keys == 0, "\(employee): \(traces)")
    }
}
