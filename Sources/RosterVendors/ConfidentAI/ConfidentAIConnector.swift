import Foundation
import RosterCore

/// Runs Roster's steps against Confident AI's management API.
///
/// - `ensure_project`: finds the project by name, creates it when missing (a 409 means it
///   exists: list again).
/// - `ensure_access`: someone outside the organization gets one organization invitation (none
///   when one is pending); a member missing from the project gets a project invitation with the
///   role's `projectRoleId` (a pending one with another role is replaced), shared with other
///   jobs' invitations to the same project and role when batching; a member with another role
///   gets `PUT …/members/{userId}`.
/// - `reconcile`: `ensure_access` for every grant; removal from (and invitation revocation for)
///   every other project; organization membership is kept. A grant for another vendor instance
///   is a permanent error (the step was mis-planned; nothing is removed because of it).
/// - `revoke_invites`: deletes pending organization and project invitations for the address.
/// - `revoke_api_keys`: nothing: Confident AI keys belong to projects, not people.
/// - `remove_project_memberships`: removes the user from every project explicitly (see below).
/// - `remove_organization_membership`: `DELETE /v1/organization/members/{userId}`; not being a
///   member is success; the Owner is a permanent error.
///
/// Listed records Roster cannot decode are skipped, logged by id and counted in the summary
/// (``UnreadableRecords``), unless one is about the employee or the step's project.
///
/// Reads go through the process's ``ConfidentAIDirectory`` (projects, organization and project
/// roles, organization members and invitations, and per project its members and invitations),
/// with the freshness the engine asks for (``StepContext/freshness``); own mutations update it,
/// a mutation whose answer was lost makes it forget what the mutation was decided from, and a
/// vendor answer that contradicts it lists again once (``ConnectorRun/perform(directory:)``).
/// A re-check of someone already invited (`org_invited_at`) reads members from a listing
/// started after the re-check began: accepting happens behind Roster's back.
///
/// Roles are names in Confident AI's own vocabulary (`Member`, `Admin`, …), resolved to ids
/// through the directory's role listings (listed again when a name is not found). A user must be an organization member before a
/// project invitation can be sent, so for someone new `ensure_access` (and `reconcile`) sends
/// the organization invitation (one, unless one is pending), checkpoints when it was first seen
/// (`org_invited_at`, epoch seconds) and throws ``AwaitingAcceptance``: the engine looks again
/// later (a minute growing to an hour). Once they are a member the project invitations follow
/// and the step succeeds; past half the ``acceptanceWindow`` the invitation is resent once
/// (`PUT …/invitations/{id}`, checkpoint `resent`); past the window the step fails for good
/// ("the invitation was not accepted within N days").
///
/// Project memberships are removed explicitly, although removing the organization membership
/// would detach them too: the step then means what its name says on its own (also when the
/// organization step fails, e.g. for the organization Owner), and the audit log records each
/// project. A project Owner cannot be removed from the project; that membership is left to the
/// organization removal, and the summary says so.
///
/// Checkpoints: `project_id`, `user_id`, `invitation_id` (project), `org_invitation_id`,
/// `org_invited_at` and `resent` (epoch seconds), and
/// the lists `created_projects`, `deleted_invitations` (`org:<id>`, `project:<projectId>:<id>`)
/// and `removed_from` (project ids); projects in `removed_from` are not even listed again when a
/// step resumes.
public struct ConfidentAIConnector: VendorConnector {
    /// The configured instance name.
    public let instance: String
    /// The organization role given to people invited to the organization (default `Member`).
    public var organizationRole: String
    /// The project role used when a step names none (default `Member`).
    public var defaultProjectRole: String

    /// Coalesces the organization invitations of jobs running at the same time into shared
    /// `emails[]` calls; `nil` sends each job's invitation on its own.
    public let batcher: InviteBatcher<ConfidentAIBatchItem, ConfidentAIInviteItemOutcome>?
    /// Coalesces the project invitations of jobs running at the same time, per project and
    /// role, into shared `emails[]` calls; `nil` sends each job's invitation on its own.
    public let projectBatcher: InviteBatcher<ConfidentAIBatchItem, ConfidentAIProjectInviteItemOutcome>?
    /// What look-before-act reads, shared by every job of the process.
    let directory: ConfidentAIDirectory
    /// How long a new person has to accept the organization invitation before `ensure_access`
    /// fails for good, in seconds (``defaultAcceptanceWindow``: 14 days).
    public var acceptanceWindow: TimeInterval
    /// 14 days.
    public static let defaultAcceptanceWindow: TimeInterval = 14 * 86_400

    /// - Parameters:
    ///   - instance: The configured instance name (`confident`).
    ///   - organizationRole: The organization role for new invitees.
    ///   - defaultProjectRole: The project role when a step names none.
    ///   - batching: When set, organization invitations of `ensure_access` steps running at the
    ///     same time share one `emails[]` call, and project invitations (of `ensure_access` and
    ///     `reconcile`) share one per project and role (see ``InviteBatcher``), decided from the
    ///     directory's listings.
    ///   - acceptanceWindow: How long a new person has to accept (seconds).
    ///   - directoryTimeToLive: How long the directory believes a listing (seconds).
    ///   - now: The directory's clock (tests inject one).
    public init(
        instance: String,
        organizationRole: String = "Member",
        defaultProjectRole: String = "Member",
        batching: InviteBatcher<ConfidentAIBatchItem, ConfidentAIInviteItemOutcome>.Options? = nil,
        acceptanceWindow: TimeInterval = ConfidentAIConnector.defaultAcceptanceWindow,
        directoryTimeToLive: TimeInterval = 300,
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.acceptanceWindow = acceptanceWindow
        self.instance = instance
        self.organizationRole = organizationRole
        self.defaultProjectRole = defaultProjectRole
        self.batcher = batching.map { InviteBatcher(options: $0) }
        self.projectBatcher = batching.map {
            InviteBatcher<ConfidentAIBatchItem, ConfidentAIProjectInviteItemOutcome>(
                options: .init(linger: $0.linger, maxItems: $0.maxItems))
        }
        self.directory = ConfidentAIDirectory(timeToLive: directoryTimeToLive, now: now)
    }

    public func run(_ step: VendorStep, for employee: Employee, context: StepContext) async throws -> StepOutcome {
        let unreadable = UnreadableRecords(email: employee.email, names: Set(step.projectNames))
        var run = ConfidentAIStepRun(
            client: ConfidentAIClient(transport: context.transport, unreadable: unreadable),
            directory: directory,
            step: step,
            context: context,
            email: employee.email,
            organizationRole: organizationRole,
            defaultProjectRole: defaultProjectRole,
            batcher: batcher,
            projectBatcher: projectBatcher,
            acceptanceWindow: acceptanceWindow
        )
        var outcome = try await run.perform(directory: directory)
        if let note = unreadable.report(to: context.logger) {
            outcome.summary += "; " + note
        }
        return outcome
    }

    public var usesDirectory: Bool { true }

    /// Engine hook: a granting step needs the project-creation lock only while a project it names
    /// is not known to exist.
    public func needsProjectCreationLock(for step: VendorStep) -> Bool {
        step.projectNames.contains { directory.heldProject(named: $0) == nil }
    }

    static func project(of step: VendorStep) throws -> String {
        guard let project = step.project, !project.isEmpty else {
            throw VendorError(
                code: .unexpected,
                message: "\(step.name) needs a project",
                classification: .permanent,
                vendor: ConfidentAIClient.vendor
            )
        }
        return project
    }
}
