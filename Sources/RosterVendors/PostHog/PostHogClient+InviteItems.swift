import Foundation

// MARK: - Invites for many jobs at once

/// One job's wish in a batch of PostHog invites (see ``PostHogClient/inviteItems(_:)``).
public struct PostHogInviteItem: Sendable, Hashable {
    /// The address (compared case-insensitively).
    public var email: String
    /// The organization level to grant.
    public var level: PostHogMembershipLevel
    /// Private projects to grant.
    public var projectAccess: [PostHogInvite.ProjectAccess]
    /// The oldest listing start the job's step may rely on (its ``DirectoryFreshness``), or
    /// `nil`: any listing within the directory's time to live.
    public var notBefore: Date?

    public init(
        email: String, level: PostHogMembershipLevel, projectAccess: [PostHogInvite.ProjectAccess],
        notBefore: Date? = nil
    ) {
        self.email = email.lowercased()
        self.level = level
        self.projectAccess = projectAccess
        self.notBefore = notBefore
    }
}

/// What a batch did for one item.
public enum PostHogInviteItemOutcome: Sendable, Hashable {
    /// Already an organization member: nothing was sent; the job handles the level itself.
    case member(PostHogMember)
    /// A pending invite already grants the level and the projects: nothing was sent.
    case alreadyInvited(inviteID: String)
    /// Invited by a bulk call. `request` is what was sent (it keeps what earlier pending invites
    /// granted); `replaced` are the pending invites PostHog deleted in favour of the new one;
    /// `kept` are pending invites for the same person PostHog does not replace, because their
    /// stored address differs in letter case (PostHog matches `target_email` exactly): the job
    /// deletes them, since the new invite already grants what they did.
    case invited(inviteID: String?, request: PostHogInviteRequest, replaced: [String], kept: [String], bulkSize: Int)
}

extension PostHogClient {
    /// Invites everyone in `items` who needs it, in `POST /invites/bulk/` calls of at most
    /// ``bulkInviteLimit``, with a result per item.
    ///
    /// Looks first, once for all items: one listing of members and one of invites. Members are
    /// answered ``PostHogInviteItemOutcome/member(_:)`` (one member address would fail a whole
    /// bulk call), addresses whose pending invite already covers the item
    /// ``PostHogInviteItemOutcome/alreadyInvited(inviteID:)``. Two items for one address become
    /// one invite granting both.
    ///
    /// Failures stay with the items they concern: a failed chunk fails only its own items
    /// (the other chunks' invites stand); a chunk refused with 400 (PostHog fails the whole call
    /// for one bad address) is split in halves and retried until the refused address is alone,
    /// so one bad item costs about log2(20) extra calls instead of failing 19 others. A lone
    /// address refused because it "already belongs to the organization" (it joined after the
    /// listing) fails retryably: the retried step finds the membership.
    ///
    /// - Returns: One result per item, in order.
    public func inviteItems(_ items: [PostHogInviteItem]) async -> [Result<PostHogInviteItemOutcome, any Error>] {
        let members: LenientList<PostHogMember>
        let invites: LenientList<PostHogInvite>
        do {
            members = try await memberListing()
            invites = try await inviteListing()
        } catch {
            return items.map { _ in .failure(error) }
        }
        return await inviteItems(items, members: members, invites: invites)
    }

    /// ``inviteItems(_:)`` looking at listings the caller already has (a connector's directory):
    /// `members` and `invites` must be the organization's whole listings, recent enough for every
    /// item.
    ///
    /// - Returns: One result per item, in order.
    public func inviteItems(
        _ items: [PostHogInviteItem], members memberListing: LenientList<PostHogMember>,
        invites inviteListing: LenientList<PostHogInvite>
    ) async -> [Result<PostHogInviteItemOutcome, any Error>] {
        var results = [Result<PostHogInviteItemOutcome, any Error>?](repeating: nil, count: items.count)
        let unreadableMembers = memberListing.unreadable
        let members = Dictionary(
            memberListing.items.map { ($0.user.email.lowercased(), $0) },
            uniquingKeysWith: { first, _ in first }
        )
        var pending: [String: [PostHogInvite]] = [:]
        for invite in inviteListing.items where !invite.isExpired {
            pending[invite.targetEmail.lowercased(), default: []].append(invite)
        }

        var entries: [BulkEntry] = []
        var entryOfEmail: [String: Int] = [:]
        for (index, item) in items.enumerated() {
            if let member = members[item.email] {
                results[index] = .success(.member(member))
                continue
            }
            do {
                try refuseUnreadable(unreadableMembers, concerning: item.email, what: "member")
            } catch {
                results[index] = .failure(error)
                continue
            }
            let existing = pending[item.email] ?? []
            if let covering = existing.first(where: { $0.covers(level: item.level, projectAccess: item.projectAccess) })
            {
                results[index] = .success(.alreadyInvited(inviteID: covering.id))
                continue
            }
            if let entry = entryOfEmail[item.email] {
                entries[entry].indices.append(index)
                entries[entry].request.level = max(entries[entry].request.level, item.level)
                entries[entry].request.privateProjectAccess = PostHogInvite.ProjectAccess.union(
                    entries[entry].request.privateProjectAccess ?? [], item.projectAccess)
                continue
            }
            entryOfEmail[item.email] = entries.count
            entries.append(
                BulkEntry(
                    indices: [index],
                    request: Self.combined(
                        email: item.email, level: item.level, projectAccess: item.projectAccess, existing: existing),
                    replaced: existing.filter { $0.targetEmail == item.email }.map(\.id),
                    kept: existing.filter { $0.targetEmail != item.email }.map(\.id)
                ))
        }

        var start = 0
        while start < entries.count {
            let chunk = Array(entries[start..<min(start + Self.bulkInviteLimit, entries.count)])
            for (index, result) in await sendBulk(chunk) { results[index] = result }
            start += chunk.count
        }
        return results.map {
            $0 ?? .failure(VendorError.invalidStep("no result for a batched invite", vendor: "posthog"))
        }
    }

    /// One invite request of a bulk call and the items it answers.
    struct BulkEntry: Sendable {
        var indices: [Int]
        var request: PostHogInviteRequest
        var replaced: [String]
        var kept: [String]
    }

    /// One bulk call for `chunk`, split in halves on a 400 until the refused entries are alone.
    private func sendBulk(_ chunk: [BulkEntry]) async -> [(Int, Result<PostHogInviteItemOutcome, any Error>)] {
        do {
            let created = try await createInvites(chunk.map(\.request))
            return chunk.flatMap { entry in
                let id = created.first { $0.hasEmail(entry.request.targetEmail) }?.id
                let outcome = PostHogInviteItemOutcome.invited(
                    inviteID: id, request: entry.request, replaced: entry.replaced, kept: entry.kept,
                    bulkSize: chunk.count)
                return entry.indices.map { index -> (Int, Result<PostHogInviteItemOutcome, any Error>) in
                    (index, .success(outcome))
                }
            }
        } catch let error as VendorError where error.status == 400 && chunk.count > 1 {
            let half = chunk.count / 2
            return await sendBulk(Array(chunk[..<half])) + sendBulk(Array(chunk[half...]))
        } catch {
            var failure: any Error = error
            if var vendorError = error as? VendorError, vendorError.status == 400,
                vendorError.message.lowercased().contains("already belongs")
            {
                // Joined between our listing and the call: the retried step sees the membership.
                vendorError.classification = .retryable
                failure = vendorError
            }
            return chunk.flatMap { entry in
                entry.indices.map { index -> (Int, Result<PostHogInviteItemOutcome, any Error>) in
                    (index, .failure(failure))
                }
            }
        }
    }
}
