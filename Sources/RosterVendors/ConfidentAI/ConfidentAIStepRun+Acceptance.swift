import Foundation
import RosterCore

// MARK: - Waiting for the organization invitation to be accepted

extension ConfidentAIStepRun {
    /// The employee has an organization invitation (`invitationID`, when known) and is not a
    /// member yet, so no project invitation can be sent (the vendor refuses one for a
    /// non-member). Never returns:
    ///
    /// - first time: checkpoints `org_invited_at` (epoch seconds) and throws
    ///   ``AwaitingAcceptance``;
    /// - past half of ``acceptanceWindow``, once: resends the invitation
    ///   (`PUT /v1/organization/invitations/{id}`, audited, checkpoint `resent`);
    /// - past the window: a permanent ``VendorError`` ("the invitation was not accepted within
    ///   N days"), so the job ends dead for this vendor while the others go on.
    ///
    /// The engine comes back after ``AwaitingAcceptance/recheckDelay(elapsed:window:)``.
    mutating func awaitAcceptance(of invitationID: String?) async throws -> Never {
        let now = self.now()
        let since: Date
        if let text = state[.orgInvitedAt], let seconds = Double(text) {
            since = Date(timeIntervalSince1970: seconds)
        } else {
            since = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
            try await save { $0[.orgInvitedAt] = String(Int64(since.timeIntervalSince1970)) }
        }
        let elapsed = now.timeIntervalSince(since)
        if elapsed >= acceptanceWindow {
            throw VendorError(
                code: .unexpected,
                message: "the invitation was not accepted within \(Self.days(acceptanceWindow)) days",
                classification: .permanent,
                vendor: ConfidentAIClient.vendor
            )
        }
        if elapsed >= acceptanceWindow / 2, state[.resent] == nil,
            let id = invitationID ?? state[.orgInvitationID]
        {
            // A 404: no longer pending (accepted or declined just now); the next look tells.
            var outcome = DeleteOutcome.done
            do {
                try await client.resendOrganizationInvitation(id: id)
            } catch let error as VendorError where error.status == 404 {
                outcome = .alreadyGone
            }
            try await record(
                .resendInvite,
                ["invitation_id": id],
                outcome: outcome
            ) { $0[.resent] = String(Int64(now.timeIntervalSince1970)) }
        }
        // The next re-check believes only a member listing made after this one (any acceptance
        // since is then seen), and all re-checks due by then share that listing.
        try await save { $0[.acceptanceCheckedAt] = String(Date().timeIntervalSince1970) }
        throw AwaitingAcceptance(
            vendor: ConfidentAIClient.vendor,
            since: since,
            retryAfter: AwaitingAcceptance.recheckDelay(elapsed: elapsed, window: acceptanceWindow)
        )
    }

    /// `14`, or `0.0003` for a window of seconds (tests).
    static func days(_ window: TimeInterval) -> String {
        let days = window / 86_400
        if days.rounded() == days { return String(Int64(days)) }
        return String(format: "%.4g", days)
    }
}
