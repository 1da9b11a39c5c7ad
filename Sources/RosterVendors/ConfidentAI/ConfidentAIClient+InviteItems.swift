// MARK: - Organization invitations for many jobs at once

/// What a batch of organization invitations did for one address (see
/// ``ConfidentAIClient/inviteToOrganization(items:roleName:)``).
public enum ConfidentAIInviteItemOutcome: Sendable, Hashable {
    /// Already an organization member: nothing was sent for them; the job goes on to the project.
    case member(ConfidentAIMember)
    /// An invitation is already pending: nothing was sent for them.
    case pending(invitationID: String)
    /// Invited by one `emails[]` call of `batchSize` addresses (the id when the response lists it).
    case invited(invitationID: String?, roleID: String, batchSize: Int)
}

extension ConfidentAIClient {
    /// Invites the addresses in `emails` that need it to the organization, with one
    /// `POST /v1/organization/invitations` carrying all of them, and answers each address.
    ///
    /// Looks first, once for the batch: the members (all pages) and the invitations, so a
    /// repeated batch sends nothing. Confident AI itself skips addresses that are already
    /// members or invited (a race with someone else's invitation is harmless). A failed call
    /// fails every address it carried; the role lookup or listing failing fails them all.
    ///
    /// - Parameters:
    ///   - emails: The addresses (compared case-insensitively).
    ///   - roleName: The organization role for the invitees, by name.
    /// - Returns: One result per address, in order.
    public func inviteToOrganization(items emails: [String], roleName: String) async
        -> [Result<ConfidentAIInviteItemOutcome, any Error>]
    {
        do {
            var members: [String: ConfidentAIMember] = [:]
            for member in try await listOrganizationMembers() { members[member.email.lowercased()] = member }
            var pending: [String: String] = [:]
            for invitation in try await listOrganizationInvitations() where invitation.isPending {
                pending[invitation.email.lowercased()] = invitation.id
            }
            var outcomes: [String: ConfidentAIInviteItemOutcome] = [:]
            var toInvite: [String] = []
            for email in emails.map({ $0.lowercased() }) where outcomes[email] == nil {
                if let member = members[email] {
                    outcomes[email] = .member(member)
                } else if let id = pending[email] {
                    outcomes[email] = .pending(invitationID: id)
                } else if !toInvite.contains(email) {
                    toInvite.append(email)
                }
            }
            if !toInvite.isEmpty {
                let role = try Self.role(named: roleName, in: try await listOrganizationRoles(), scope: "organization")
                let created = try await inviteToOrganization(emails: toInvite, roleID: role.id)
                for email in toInvite {
                    let id = created.first { $0.hasEmail(email) }?.id
                    outcomes[email] = .invited(invitationID: id, roleID: role.id, batchSize: toInvite.count)
                }
            }
            return emails.map { email in
                outcomes[email.lowercased()].map { .success($0) }
                    ?? .failure(VendorError(code: .unexpected, message: "no result for a batched invitation", vendor: Self.vendor))
            }
        } catch {
            return emails.map { _ in .failure(error) }
        }
    }
}
