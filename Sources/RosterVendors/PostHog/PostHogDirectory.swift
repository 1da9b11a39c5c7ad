import Foundation
import Synchronization

/// What PostHog's look-before-act reads, listed once for every job of the process and kept
/// current by Roster's own mutations: projects, organization members, invites (expired ones
/// too), and the access-control records of the projects a step looks at.
///
/// A burst of joiners into one project then costs one invite call each, not a listing of every
/// invite, a member lookup, a project search and its access controls per job. Invites have no
/// filter (a paged listing, PostHog/posthog `posthog/api/organization_invite.py`); members have
/// one (`?email=`, exact, and `?search=`, `posthog/api/organization_member.py`): a lone lookup
/// uses it, a backlog the member listing (``LookupCost``).
///
/// PostHog replaces invites: a new invite deletes every invite whose `target_email` is exactly
/// the one sent and gets a new id (`organization_invite.py`; also with `combine_pending_invites`,
/// which only merges the old grants into the new one). ``invited(_:)`` applies exactly that, so
/// the directory never shows an invite PostHog has deleted as the one granting access.
///
/// What a step may believe is decided by its ``DirectoryFreshness``; what contradicts the
/// directory (an invite refused because the address is a member, a member that is gone) drops
/// the listings concerned so the next read lists again. See ``DirectoryListing`` for the rules.
final class PostHogDirectory: ContradictableDirectory {
    /// Every project of the organization, with the records Roster could not read.
    let projects: DirectoryListing<LenientList<PostHogProject>>
    /// Every organization member, with the records Roster could not read.
    let members: DirectoryListing<LenientList<PostHogMember>>
    /// Every invite (pending and expired), with the records Roster could not read.
    let invites: DirectoryListing<LenientList<PostHogInvite>>
    /// Chooses between `?email=`/`?search=` lookups and the member listing.
    let memberLookups: LookupCost
    /// How long a listing is believed.
    let timeToLive: TimeInterval
    private let now: @Sendable () -> Date
    private let accessControls = Mutex<[Int: DirectoryListing<PostHogAccessControls?>]>([:])

    /// - Parameters:
    ///   - timeToLive: How long a listing is believed without a reason to list again (seconds).
    ///   - now: The clock (tests inject one).
    init(timeToLive: TimeInterval = PostHogDirectory.defaultTimeToLive, now: @escaping @Sendable () -> Date = Date.init)
    {
        self.timeToLive = timeToLive
        self.now = now
        projects = DirectoryListing(timeToLive: timeToLive, now: now)
        members = DirectoryListing(timeToLive: timeToLive, now: now)
        invites = DirectoryListing(timeToLive: timeToLive, now: now)
        memberLookups = LookupCost(window: 30, now: now)
    }

    /// Five minutes: changes made in PostHog's console are seen within this.
    static let defaultTimeToLive: TimeInterval = 300

    /// The access-control records of one project: `nil` once read as unreadable (403 or 404: the
    /// key lacks `access_control:read`, or the plan has no access control).
    func projectAccessControls(_ projectID: Int) -> DirectoryListing<PostHogAccessControls?> {
        accessControls.withLock { listings in
            if let listing = listings[projectID] { return listing }
            let listing = DirectoryListing<PostHogAccessControls?>(timeToLive: timeToLive, now: now)
            listings[projectID] = listing
            return listing
        }
    }

    /// The project named `name` (the lowest id when several are) in the listing held, without
    /// listing (for the engine's "does this step still need the project-creation lock?").
    func heldProject(named name: String) -> PostHogProject? {
        projects.current()?.items.filter { $0.name == name }.min { $0.id < $1.id }
    }

    // MARK: - Own mutations

    /// A project Roster created.
    func created(_ project: PostHogProject) {
        projects.update {
            $0.items.removeAll { $0.id == project.id }
            $0.items.append(project)
        }
    }

    /// An invite Roster created: PostHog deleted every invite whose stored address is exactly
    /// this one's (`organization_invite.py`), whatever their ids.
    func invited(_ invite: PostHogInvite) {
        invites.update { listing in
            listing.items.removeAll { $0.id == invite.id || $0.targetEmail == invite.targetEmail }
            listing.items.append(invite)
        }
    }

    /// What a shared bulk call did: the invites it created (see ``invited(_:)``). An invite whose
    /// id PostHog did not answer, or a failed call (which may have taken effect), leaves the
    /// invite listing unknown: it is listed again.
    func recordBulk(_ results: [Result<PostHogInviteItemOutcome, any Error>]) {
        var unknown = false
        for result in results {
            switch result {
            case .success(.invited(let id?, let request, _, _, _)):
                invited(
                    PostHogInvite(
                        id: id, targetEmail: request.targetEmail, level: request.level,
                        privateProjectAccess: request.privateProjectAccess))
            case .success(.invited(nil, _, _, _, _)), .failure:
                unknown = true
            case .success(.member), .success(.alreadyInvited):
                break
            }
        }
        if unknown { invites.invalidate() }
    }

    /// An invite Roster deleted (or found gone).
    func deletedInvite(id: String) {
        invites.update { $0.items.removeAll { $0.id == id } }
    }

    /// What a filtered lookup found for `email`. With `complete` (both `?email=` and `?search=`
    /// were asked) it replaces every account the listing held for the address in any letter
    /// case; else the accounts found are only added or refreshed.
    func looked(up email: String, found: [PostHogMember], complete: Bool) {
        members.update { listing in
            if complete { listing.items.removeAll { $0.hasEmail(email) } }
            for member in found {
                listing.items.removeAll { $0.user.uuid == member.user.uuid }
                listing.items.append(member)
            }
        }
    }

    /// A membership Roster changed (its level).
    func changed(_ member: PostHogMember) {
        members.update { listing in
            listing.items.removeAll { $0.user.uuid == member.user.uuid }
            listing.items.append(member)
        }
    }

    /// A member Roster removed from the organization (or found gone). Their access-control
    /// records go with the membership; when the membership's id is not known here, every
    /// access-control listing is listed again.
    func removedMember(userUUID: String, memberID: String?) {
        let memberID = memberID ?? members.current()?.items.first { $0.user.uuid == userUUID }?.id
        members.update { $0.items.removeAll { $0.user.uuid == userUUID } }
        let listings = accessControls.withLock { Array($0.values) }
        for listing in listings {
            guard let memberID else {
                listing.invalidate()
                continue
            }
            listing.update { controls in
                controls?.accessControls.items.removeAll { record in record.organizationMember == memberID }
            }
        }
    }

    /// An access-control record Roster set (`nil`: removed) for the membership `memberID`.
    func setProjectAccess(projectID: Int, memberID: String, level: PostHogProjectAccessLevel?) {
        projectAccessControls(projectID).update { controls in
            controls?.accessControls.items.removeAll { record in record.organizationMember == memberID }
            if let level {
                controls?.accessControls.items.append(
                    PostHogAccessControl(
                        accessLevel: level, resource: "project", resourceID: String(projectID),
                        organizationMember: memberID))
            }
        }
    }
}

extension PostHogDirectory {
    /// Forgets the listings a vendor answer contradicted (or a failed mutation left unknown).
    func forget(_ listings: Set<DirectoryContradiction.Listing>) {
        for listing in listings {
            switch (listing.kind, listing.scope) {
            case ("projects", _): projects.invalidate()
            case ("users", _): members.invalidate()
            case ("invites", _): invites.invalidate()
            case ("access_controls", let scope?):
                if let projectID = Int(scope) { projectAccessControls(projectID).invalidate() }
            default: break
            }
        }
    }
}

extension DirectoryContradiction.Listing {
    /// The access-control records of one PostHog project.
    static func accessControls(_ projectID: Int) -> Self {
        Self(kind: "access_controls", scope: String(projectID))
    }
}
