import Foundation
import Synchronization

/// What Confident AI's look-before-act reads, listed once for every job of the process and kept
/// current by Roster's own mutations: the projects, the organization roles, members and
/// invitations, and per project its roles, members and invitations.
///
/// Before it, every job listed the organization's members (all pages: Confident AI has no email
/// filter), its invitations, the projects, the project's members, invitations and roles — 14.5
/// requests per applied mutation. A burst of joiners into one project now costs one listing of
/// each kind, plus the mutations.
///
/// Roles are not about people and Roster never changes them: they are listed once per time to
/// live whatever a step's freshness, and listed again only when a role name is not found.
/// Everything else is read with the step's ``DirectoryFreshness``. Listings keep the records Roster
/// could not decode (``DirectoryEntries``): each step judges them for itself. A vendor answer that
/// contradicts the directory drops the listing concerned (``DirectoryContradiction``), and so
/// does a mutation whose answer was lost (``mutation(decidedFrom:in:_:)``).
///
/// Listings for ``DirectoryContradiction/Listing``: `.projects`, `.users` (organization
/// members), `.invites` (organization invitations), `.members(p)` and `.projectInvites(p)`.
final class ConfidentAIDirectory: ContradictableDirectory {
    /// The listings of one project.
    struct ProjectListings: Sendable {
        /// The project's members, with their project role.
        let members: DirectoryListing<DirectoryEntries<ConfidentAIMember>>
        /// The project's invitations (pending and others).
        let invitations: DirectoryListing<DirectoryEntries<ConfidentAIInvitation>>
        /// The system roles and the project's custom ones.
        let roles: DirectoryListing<DirectoryEntries<ConfidentAIRole>>
    }

    /// Every project of the organization.
    let projects: DirectoryListing<DirectoryEntries<ConfidentAIProject>>
    /// Every organization member (all pages).
    let members: DirectoryListing<DirectoryEntries<ConfidentAIMember>>
    /// The organization's invitations (pending and declined).
    let invitations: DirectoryListing<DirectoryEntries<ConfidentAIInvitation>>
    /// The organization roles.
    let organizationRoles: DirectoryListing<DirectoryEntries<ConfidentAIRole>>
    /// How long a listing is believed.
    let timeToLive: TimeInterval
    private let now: @Sendable () -> Date
    private let perProject = Mutex<[String: ProjectListings]>([:])

    /// - Parameters:
    ///   - timeToLive: How long a listing is believed without a reason to list again (seconds).
    ///   - now: The clock (tests inject one).
    init(
        timeToLive: TimeInterval = ConfidentAIDirectory.defaultTimeToLive,
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.timeToLive = timeToLive
        self.now = now
        projects = DirectoryListing(timeToLive: timeToLive, now: now)
        members = DirectoryListing(timeToLive: timeToLive, now: now)
        invitations = DirectoryListing(timeToLive: timeToLive, now: now)
        organizationRoles = DirectoryListing(timeToLive: timeToLive, now: now)
    }

    /// Five minutes: changes made in Confident AI's interface are seen within this.
    static let defaultTimeToLive: TimeInterval = 300

    /// The listings of `projectID`.
    func project(_ projectID: String) -> ProjectListings {
        perProject.withLock { all in
            if let listings = all[projectID] { return listings }
            let listings = ProjectListings(
                members: DirectoryListing(timeToLive: timeToLive, now: now),
                invitations: DirectoryListing(timeToLive: timeToLive, now: now),
                roles: DirectoryListing(timeToLive: timeToLive, now: now)
            )
            all[projectID] = listings
            return listings
        }
    }

    /// The project named `name` in the listing held, without listing (for the engine's "does
    /// this step still need the project-creation lock?").
    func heldProject(named name: String) -> ConfidentAIProject? {
        projects.current()?.items.first { $0.name == name }
    }

    private var knownProjectListings: [ProjectListings] { perProject.withLock { Array($0.values) } }

    // MARK: - Own mutations

    /// A project Roster created.
    func created(_ project: ConfidentAIProject) {
        projects.update {
            $0.items.removeAll { $0.id == project.id }
            $0.items.append(project)
        }
    }

    /// Organization invitations Roster created for `emails`: those the answer lists are added;
    /// when an address is missing from the answer the listing is forgotten (it cannot show what
    /// was made).
    func invitedToOrganization(_ emails: [String], created: [ConfidentAIInvitation]) {
        Self.record(emails, created: created, in: invitations)
    }

    /// An organization invitation Roster deleted (or found gone).
    func deletedOrganizationInvitation(id: String) {
        invitations.update { $0.items.removeAll { $0.id == id } }
    }

    /// Project invitations Roster created in `projectID` (as ``invitedToOrganization(_:created:)``).
    func invitedToProject(_ projectID: String, _ emails: [String], created: [ConfidentAIInvitation]) {
        Self.record(emails, created: created, in: project(projectID).invitations)
    }

    /// Invitations Roster created for `emails` into `listing`: those the answer lists are added;
    /// when an address is missing from the answer the listing is forgotten (it cannot show what
    /// was made).
    private static func record(
        _ emails: [String], created: [ConfidentAIInvitation],
        in listing: DirectoryListing<DirectoryEntries<ConfidentAIInvitation>>
    ) {
        guard emails.allSatisfy({ email in created.contains { $0.hasEmail(email) } }) else {
            listing.invalidate()
            return
        }
        let made = created.filter { invitation in emails.contains { invitation.hasEmail($0) } }
        listing.update { listing in
            listing.items.removeAll { old in made.contains { $0.id == old.id } }
            listing.items.append(contentsOf: made)
        }
    }

    /// A project invitation Roster deleted (or found gone).
    func deletedProjectInvitation(id: String, in projectID: String) {
        project(projectID).invitations.update { $0.items.removeAll { $0.id == id } }
    }

    /// A project member's role Roster changed.
    func changedRole(of userID: String, to role: ConfidentAIRole, in projectID: String) {
        project(projectID).members.update { listing in
            for index in listing.items.indices where listing.items[index].id == userID {
                listing.items[index].projectRole = ConfidentAIRoleReference(id: role.id, name: role.name)
            }
        }
    }

    /// A member Roster removed from `projectID` (or found gone); their invitations there go too.
    func removed(_ member: ConfidentAIMember, from projectID: String) {
        let listings = project(projectID)
        listings.members.update { $0.items.removeAll { $0.id == member.id } }
        listings.invitations.update { $0.items.removeAll { $0.hasEmail(member.email) } }
    }

    /// A member Roster removed from the organization (or found gone): Confident AI detaches them
    /// from every project and clears their invitations.
    func removedFromOrganization(_ member: ConfidentAIMember) {
        members.update { $0.items.removeAll { $0.id == member.id } }
        invitations.update { $0.items.removeAll { $0.hasEmail(member.email) } }
        for listings in knownProjectListings {
            listings.members.update { $0.items.removeAll { $0.id == member.id } }
            listings.invitations.update { $0.items.removeAll { $0.hasEmail(member.email) } }
        }
    }
}

extension ConfidentAIDirectory {
    /// Forgets the listings a vendor answer contradicted (or a mutation whose answer was lost).
    func forget(_ listings: Set<DirectoryContradiction.Listing>) {
        for listing in listings {
            switch (listing.kind, listing.scope) {
            case ("projects", _): projects.invalidate()
            case ("users", _): members.invalidate()
            case ("invites", _): invitations.invalidate()
            case ("members", let projectID?): project(projectID).members.invalidate()
            case ("project_invites", let projectID?): project(projectID).invitations.invalidate()
            default: break
            }
        }
    }
}
