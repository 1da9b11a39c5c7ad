/// What a vendor mutation did, as the audit log names it: one spelling for one kind of change,
/// whichever vendor made it, so that `roster audit` and the evidence export read the same across
/// vendors.
///
/// Renamed in issue 14 (rows written before keep their old names): Confident AI's
/// `create_org_invitation`/`delete_org_invitation` are ``createInvite``/``deleteInvite``, its
/// `create_project_invitation`/`delete_project_invitation` are ``createProjectInvite`` and
/// ``deleteProjectInvite``, `remove_org_member` is ``removeOrganizationMember`` and
/// `update_project_role` is ``changeProjectRole``; Relevance AI's `remove_member` is
/// ``removeProjectMember``, `update_role` is ``changeProjectRole`` and `demote_org_admin` is
/// ``changeOrganizationRole``; PostHog's `change_member_level` is ``changeOrganizationRole`` and its
/// `set_project_access`/`remove_project_access` are ``changeProjectRole``/``removeProjectMember``.
public enum AuditAction: String, Sendable, Hashable, Codable, CaseIterable {
    /// A project was created.
    case createProject = "create_project"
    /// An invitation to the organization (possibly carrying projects) was created.
    case createInvite = "create_invite"
    /// A pending organization invitation was sent again.
    case resendInvite = "resend_invite"
    /// A pending organization invitation was revoked.
    case deleteInvite = "delete_invite"
    /// An invitation to one project was created (vendors that invite per project).
    case createProjectInvite = "create_project_invite"
    /// A pending invitation to one project was revoked.
    case deleteProjectInvite = "delete_project_invite"
    /// A member was added to a project.
    case addProjectMember = "add_project_member"
    /// A member's role (or access level) in a project changed.
    case changeProjectRole = "change_project_role"
    /// A member's organization role (or level) changed.
    case changeOrganizationRole = "change_organization_role"
    /// A member lost their access to one project.
    case removeProjectMember = "remove_project_member"
    /// A member was removed from the organization.
    case removeOrganizationMember = "remove_organization_member"
    /// An API key was deleted.
    case deleteAPIKey = "delete_api_key"
}

/// How an audited mutation ended.
public enum AuditOutcome: String, Sendable, Hashable, Codable, CaseIterable {
    /// The vendor made the change.
    case done
    /// A delete found nothing: someone (or an earlier attempt) had already removed it.
    case alreadyGone = "already_gone"
    /// The vendor confirmed a delete but still lists the thing (Relevance AI invites).
    case stillListed = "still_listed"
}
