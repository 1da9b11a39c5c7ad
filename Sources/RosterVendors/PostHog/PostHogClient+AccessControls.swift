import Logging

// MARK: - Project access controls

/// How a project is private, if it is.
public enum PostHogProjectPrivacy: String, Sendable, Hashable {
    /// Every organization member sees it.
    case open
    /// Private the current way: a project-wide access-control record with `"none"`. Members are
    /// given access by access-control records of their own.
    case accessControl = "private"
    /// Private the deprecated way (`access_control: true`, an organization not yet moved to
    /// access-control records): access is an explicit project membership Roster does not manage.
    case legacyFlag = "legacy"
    /// The access controls could not be read (403 or 404: the key lacks `access_control:read`,
    /// or the organization's plan has no access control); treated as open, and said so.
    case unknown
}

extension PostHogClient {
    /// `GET /projects/{id}/access_controls/`: the project's access-control records
    /// (PostHog/posthog `ee/api/rbac/access_control.py`, served on the project viewset).
    ///
    /// - Throws: ``VendorError`` (404 for an unknown project).
    public func projectAccessControls(projectID: Int) async throws -> PostHogAccessControls {
        let controls = try await send(
            VendorRequest(.get, accessControlsPath(projectID)), as: PostHogAccessControls.self)
        VendorRecordSkips.report(
            controls.accessControls.unreadable, vendor: instance, listing: "access controls", logger: logger)
        return controls
    }

    /// `PUT /projects/{id}/access_controls/` with `{access_level, organization_member}`: gives the
    /// membership `memberID` (``PostHogMember/id``, not the user's UUID) `level` on the project,
    /// or removes its record when `level` is `nil` (PostHog answers 204).
    ///
    /// - Throws: ``VendorError``; 400 for an unknown membership or level, 403 without admin
    ///   rights on the project or the `access_control:write` scope.
    public func setProjectAccess(projectID: Int, memberID: String, level: PostHogProjectAccessLevel?) async throws {
        struct Body: Encodable {
            var access_level: PostHogProjectAccessLevel?
            var organization_member: String

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                // `null` must be sent: it is what deletes the record.
                try container.encode(access_level, forKey: .access_level)
                try container.encode(organization_member, forKey: .organization_member)
            }

            enum CodingKeys: String, CodingKey { case access_level, organization_member }
        }
        let body = try body(Body(access_level: level, organization_member: memberID))
        try await send(VendorRequest(.put, accessControlsPath(projectID), body: body))
    }

    /// Whether `project` is private, and how: the deprecated `access_control` flag, else its
    /// access-control records (one call). PostHog/posthog `posthog/models/organization.py`
    /// (`organization_has_private_projects`) names both representations.
    ///
    /// - Throws: ``VendorError``, except 403 and 404 from the access controls, which answer
    ///   ``PostHogProjectPrivacy/unknown``.
    public func privacy(of project: PostHogProject) async throws -> PostHogProjectPrivacy {
        if project.accessControl == true { return .legacyFlag }
        do {
            return try await projectAccessControls(projectID: project.id).makePrivate ? .accessControl : .open
        } catch let error as VendorError where error.status == 403 || error.status == 404 {
            logger.warning(
                "posthog project access controls unreadable; treated as open",
                metadata: ["project_id": "\(project.id)", "status": "\(error.status ?? 0)"]
            )
            return .unknown
        }
    }

    /// `/projects/{id}/access_controls/`.
    private func accessControlsPath(_ projectID: Int) -> String {
        "\(organizationPath)/projects/\(projectID)/access_controls/"
    }
}
