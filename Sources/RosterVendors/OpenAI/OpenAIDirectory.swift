import Foundation
import Synchronization

/// What OpenAI's look-before-act reads, listed once for every job of the process and kept current
/// by Roster's own mutations: projects (archived too), organization users, invites, and each
/// project's members.
///
/// A burst of joiners into one project then costs one invite call each, not a listing of every
/// invite per job (OpenAI has no email filter on invites). Users have a filter (`emails[]`): a
/// lone lookup uses it, a backlog loads the user listing instead (``LookupCost``).
///
/// What a step may believe is decided by its ``DirectoryFreshness``; what contradicts the
/// directory (an invite refused as a duplicate, a member that is not there) drops the listing
/// concerned so the next read lists again. See ``DirectoryListing`` for the rules.
public final class OpenAIDirectory: ContradictableDirectory {
    /// Every project, archived ones included, with the records Roster could not read.
    let projects: DirectoryListing<LenientList<OpenAIProject>>
    /// Every organization user, with the records Roster could not read.
    let users: DirectoryListing<LenientList<OpenAIUser>>
    /// Every invite (pending, accepted, expired), with the records Roster could not read.
    let invites: DirectoryListing<LenientList<OpenAIInvite>>
    /// Chooses between `emails[]` lookups and the user listing.
    let userLookups: LookupCost
    /// How long a listing is believed.
    let timeToLive: TimeInterval
    private let now: @Sendable () -> Date
    private let members = Mutex<[String: DirectoryListing<LenientList<OpenAIProjectUser>>]>([:])

    /// - Parameters:
    ///   - timeToLive: How long a listing is believed without a reason to list again (seconds).
    ///   - now: The clock (tests inject one).
    init(timeToLive: TimeInterval = OpenAIDirectory.defaultTimeToLive, now: @escaping @Sendable () -> Date = Date.init)
    {
        self.timeToLive = timeToLive
        self.now = now
        projects = DirectoryListing(timeToLive: timeToLive, now: now)
        users = DirectoryListing(timeToLive: timeToLive, now: now)
        invites = DirectoryListing(timeToLive: timeToLive, now: now)
        userLookups = LookupCost(window: 30, now: now)
    }

    /// Five minutes: changes made in OpenAI's console are seen within this.
    public static let defaultTimeToLive: TimeInterval = 300

    /// The members of one project, with the records Roster could not read.
    func projectMembers(_ projectID: String) -> DirectoryListing<LenientList<OpenAIProjectUser>> {
        members.withLock { members in
            if let listing = members[projectID] { return listing }
            let listing = DirectoryListing<LenientList<OpenAIProjectUser>>(timeToLive: timeToLive, now: now)
            members[projectID] = listing
            return listing
        }
    }

    /// The active project named `name` in the listing held, without listing (for the engine's
    /// "does this step still need the project-creation lock?").
    func heldActiveProject(named name: String) -> OpenAIProject? {
        projects.current()?.items.first { $0.name == name && !$0.isArchived }
    }

    // MARK: - Own mutations

    /// A project Roster created.
    func created(_ project: OpenAIProject) {
        projects.update {
            $0.items.removeAll { $0.id == project.id }
            $0.items.append(project)
        }
    }

    /// An invite Roster created.
    func created(_ invite: OpenAIInvite) {
        invites.update {
            $0.items.removeAll { $0.id == invite.id }
            $0.items.append(invite)
        }
    }

    /// An invite Roster deleted (or found gone).
    func deletedInvite(id: String) {
        invites.update { $0.items.removeAll { $0.id == id } }
    }

    /// What a filtered lookup found for `email`: the user (or nobody), replacing what the listing
    /// held for that address.
    func looked(up email: String, found user: OpenAIUser?) {
        users.update { listing in
            listing.items.removeAll { $0.hasEmail(email) }
            if let user { listing.items.append(user) }
        }
    }

    /// A user Roster removed from the organization.
    func removedUser(id: String) {
        users.update { $0.items.removeAll { $0.id == id } }
        members.withLock { members in
            for listing in members.values { listing.update { $0.items.removeAll { $0.id == id } } }
        }
    }

    /// A membership Roster added or changed.
    func member(_ member: OpenAIProjectUser, of projectID: String) {
        projectMembers(projectID).update {
            $0.items.removeAll { $0.id == member.id }
            $0.items.append(member)
        }
    }

    /// A membership Roster removed (or found gone).
    func removedMember(userID: String, from projectID: String) {
        projectMembers(projectID).update { $0.items.removeAll { $0.id == userID } }
    }
}

extension OpenAIDirectory {
    /// Forgets the listings a vendor answer contradicted.
    public func forget(_ listings: Set<DirectoryContradiction.Listing>) {
        for listing in listings {
            switch (listing.kind, listing.scope) {
            case ("projects", _): projects.invalidate()
            case ("users", _): users.invalidate()
            case ("invites", _): invites.invalidate()
            case ("members", let projectID?): projectMembers(projectID).invalidate()
            default: break
            }
        }
    }
}
