import Foundation
import Synchronization

/// What Relevance AI's look-before-act reads, listed once for every job of the process and kept
/// current by Roster's own mutations: the projects, and per project its users
/// (`POST /auth/users/list`, which lists everyone with access there) and its pending invites
/// (`POST /auth/invite/list`).
///
/// A burst of joiners into one project then costs one invite call each, not a project listing,
/// a user search, an unfiltered user listing (the search is case-sensitive) and an invite listing
/// per job. Users have a filter (`email_search`): a lone lookup uses it, a backlog loads the
/// project's user listing instead (``LookupCost``, one per project: a listing serves one project).
///
/// Listings keep the records Roster could not decode (``DirectoryEntries``): each step judges
/// them for itself. What a step may believe is decided by its ``DirectoryFreshness``; what
/// contradicts the directory (an invite refused because the person is in the project, a
/// duplicate, a project name taken) drops the listing concerned. See ``DirectoryListing``.
final class RelevanceAIDirectory: ContradictableDirectory {
    /// The listings of one project.
    struct ProjectListings: Sendable {
        /// Everyone `POST /auth/users/list` shows in the project (explicit members, and
        /// organisation admins and owners, whose access is inherited).
        let users: DirectoryListing<DirectoryEntries<RelevanceAIUser>>
        /// The project's pending invites.
        let invites: DirectoryListing<DirectoryEntries<RelevanceAIInvite>>
        /// Chooses between `email_search` lookups and the project's user listing.
        let userLookups: LookupCost
    }

    /// Every project of the account.
    let projects: DirectoryListing<DirectoryEntries<RelevanceAIProject>>
    /// How long a listing is believed.
    let timeToLive: TimeInterval
    private let now: @Sendable () -> Date
    private let perProject = Mutex<[String: ProjectListings]>([:])

    /// - Parameters:
    ///   - timeToLive: How long a listing is believed without a reason to list again (seconds).
    ///   - now: The clock (tests inject one).
    init(
        timeToLive: TimeInterval = RelevanceAIDirectory.defaultTimeToLive,
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.timeToLive = timeToLive
        self.now = now
        projects = DirectoryListing(timeToLive: timeToLive, now: now)
    }

    /// Five minutes: changes made in Relevance AI's interface are seen within this.
    static let defaultTimeToLive: TimeInterval = 300

    /// The listings of `projectID`.
    func project(_ projectID: String) -> ProjectListings {
        perProject.withLock { all in
            if let listings = all[projectID] { return listings }
            let listings = ProjectListings(
                users: DirectoryListing(timeToLive: timeToLive, now: now),
                invites: DirectoryListing(timeToLive: timeToLive, now: now),
                userLookups: LookupCost(window: 30, now: now)
            )
            all[projectID] = listings
            return listings
        }
    }

    /// The project named `name` in the listing held, without listing (for the engine's "does
    /// this step still need the project-creation lock?").
    func heldProject(named name: String) -> RelevanceAIProject? {
        projects.current()?.items.first { $0.name == name }
    }

    // MARK: - Own mutations

    /// A project Roster created.
    func created(_ project: RelevanceAIProject) {
        projects.update {
            $0.items.removeAll { $0.id == project.id }
            $0.items.append(project)
        }
    }

    /// An invite Roster created that Relevance AI left pending.
    func created(_ invite: RelevanceAIInvite, in projectID: String) {
        project(projectID).invites.update { listing in
            listing.items.removeAll { $0.code == invite.code }
            listing.items.append(invite)
        }
    }

    /// An invite Relevance AI accepted at once (the address was an organisation user's): they
    /// are in the project now, as a user Roster has no record of: the project's users are
    /// listed again when next needed.
    func autoAccepted(in projectID: String) {
        project(projectID).users.invalidate()
    }

    /// What a filtered lookup in `projectID` found for `email`: the user (or nobody), replacing
    /// what the listing held for that address.
    func looked(up email: String, found user: RelevanceAIUser?, in projectID: String) {
        project(projectID).users.update { listing in
            listing.items.removeAll { $0.hasEmail(email) }
            if let user { listing.items.append(user) }
        }
    }

    /// A user's role in `projectID` that Roster set (with `overwrite`: the role is all they have).
    func changedRole(of userID: String, to role: RelevanceAIRole, in projectID: String) {
        project(projectID).users.update { listing in
            for index in listing.items.indices where listing.items[index].id == userID {
                var permissions =
                    listing.items[index].permissions.projects[projectID] ?? RelevanceAIPermissions(items: [:])
                permissions.items = RelevanceAIPermissions(role: role).items
                permissions.roleContext = nil
                listing.items[index].permissions.projects[projectID] = permissions
            }
        }
    }

    /// A user Roster removed from `projectID` (or found gone).
    func removed(userID: String, from projectID: String) {
        project(projectID).users.update { $0.items.removeAll { $0.id == userID } }
    }

    /// A user's organisation role changed: every project lists them differently (an admin's
    /// inherited access), so every user listing is listed again when next needed.
    func organizationRoleChanged() {
        for listings in perProject.withLock({ Array($0.values) }) { listings.users.invalidate() }
    }
}

extension RelevanceAIDirectory {
    /// Forgets the listings a vendor answer contradicted (or a mutation whose answer was lost).
    func forget(_ listings: Set<DirectoryContradiction.Listing>) {
        for listing in listings {
            switch (listing.kind, listing.scope) {
            case ("projects", _): projects.invalidate()
            case ("members", let projectID?): project(projectID).users.invalidate()
            case ("project_invites", let projectID?): project(projectID).invites.invalidate()
            default: break
            }
        }
    }
}
