import RosterCore

// MARK: - Projects

extension FakePostHogState {
    /// `POST /projects/`: names need not be unique.
    public mutating func createProject(name: String?) throws(FakePostHogError) -> Project {
        guard let name, !name.allSatisfy(\.isWhitespace) else {
            throw .validation("This field may not be blank.", attr: "name", code: "blank")
        }
        return insertProject(name: name, privacy: .open)
    }

    /// `DELETE /projects/{id}/`: 404 when unknown; members lose their access to it.
    public mutating func deleteProject(id: Int) throws(FakePostHogError) {
        guard let index = projects.firstIndex(where: { $0.id == id }) else { throw .notFound }
        projects.remove(at: index)
        accessControls.removeAll { $0.projectID == id }
    }

    /// `PUT /projects/{id}/access_controls/` with `{access_level, organization_member}`: creates or
    /// changes the member's record (or the project-wide default without `organization_member`);
    /// `access_level: null` deletes it (PostHog/posthog `ee/api/rbac/access_control.py`,
    /// `_update_access_controls`).
    ///
    /// - Returns: The record, or `nil` when it was deleted (PostHog answers 204).
    /// - Throws: 404 for an unknown project; 400 for a level that is not `none`, `member` or
    ///   `admin`, an `organization_member` that is not a membership id of this organization, or
    ///   both a member and a role.
    public mutating func putAccessControl(projectID: Int, body: JSONValue) throws(FakePostHogError) -> AccessControl? {
        guard project(id: projectID) != nil else { throw .notFound }
        guard body.objectValue != nil else {
            throw .validation("Invalid data. Expected a dictionary, but got \(body.typeName).")
        }
        if let role = body["role"], role != .null, let member = body["organization_member"], member != .null {
            throw .validation("You can not scope an access control to both a member and a role.")
        }
        var memberID: String?
        if let value = body["organization_member"], value != .null {
            guard let id = value.stringValue, members.contains(where: { $0.id == id }) else {
                throw .validation(
                    "Invalid organization member id. Use the 'id' field from the /api/organizations/<organization_id>/members/ endpoint.",
                    attr: "organization_member"
                )
            }
            memberID = id
        }
        var level: String?
        switch body["access_level"] {
        case nil, .null?:
            level = nil
        case .string(let value)? where Self.projectAccessLevels.contains(value):
            level = value
        default:
            throw .validation(
                "Invalid access level. Must be one of: \(Self.projectAccessLevels.joined(separator: ", "))",
                attr: "access_level"
            )
        }
        setAccessControl(projectID: projectID, memberID: memberID, level: level)
        return accessControls.first { $0.projectID == projectID && $0.organizationMemberID == memberID }
    }

    /// The levels of a project access-control record, lowest first (PostHog/posthog
    /// `posthog/rbac/user_access_control.py`, `ACCESS_CONTROL_LEVELS_MEMBER`).
    public static let projectAccessLevels = ["none", "member", "admin"]
}

// MARK: - Members

extension FakePostHogState {
    /// Adds a member with a new user account (test seeding); returns the existing member when the
    /// address, exactly as given, already is one. Another letter case is another account, as
    /// PostHog allows for accounts made before it normalised addresses.
    @discardableResult
    public mutating func addMember(
        email: String,
        firstName: String? = nil,
        lastName: String = "",
        level: Int = 1,
        privateProjects: [ProjectAccess] = []
    ) -> Member {
        if let existing = member(exactEmail: email) { return existing }
        let user = User(
            id: issueSerial(),
            uuid: issueUUID(),
            email: email,
            firstName: firstName ?? String(email.prefix { $0 != "@" }),
            lastName: lastName
        )
        let member = Member(id: issueUUID(), user: user, level: level, joinedAt: now(), updatedAt: now())
        members.append(member)
        for access in privateProjects where project(id: access.projectID) != nil {
            setAccessControl(projectID: access.projectID, memberID: member.id, level: access.level)
        }
        return member
    }

    /// `PATCH /members/{user_uuid}/` with `level`.
    ///
    /// - Throws: 404 for an unknown member, 400 for a level that is not 1, 8 or 15, 403 for the
    ///   caller's own membership or a level above the caller's.
    public mutating func updateMemberLevel(uuid: String, level: Int?) throws(FakePostHogError) -> Member {
        guard let index = members.firstIndex(where: { $0.user.uuid == uuid }) else { throw .notFound }
        guard let level, [1, 8, 15].contains(level) else {
            throw .validation(
                "\"\(level.map(String.init) ?? "null")\" is not a valid choice.",
                attr: "level",
                code: "invalid_choice"
            )
        }
        guard uuid != callerUUID else { throw .permissionDenied("You can't change your own access level.") }
        guard level <= (member(uuid: callerUUID)?.level ?? 15) else {
            throw .permissionDenied("You can only set access level to lower or equal to your current one.")
        }
        members[index].level = level
        members[index].updatedAt = now()
        return members[index]
    }

    /// `DELETE /members/{user_uuid}/`: the member leaves the organization and every project; their
    /// access-control records go with the membership.
    ///
    /// - Throws: 404 when not a member (or already removed), 400 for an owner.
    public mutating func deleteMember(uuid: String) throws(FakePostHogError) {
        guard let index = members.firstIndex(where: { $0.user.uuid == uuid }) else { throw .notFound }
        guard members[index].level < 15 else {
            throw .validation("Cannot leave the organization as its owner!")
        }
        accessControls.removeAll { $0.organizationMemberID == members[index].id }
        members.remove(at: index)
    }

    /// Adds a personal API key for the user `userUUID` (test seeding).
    @discardableResult
    public mutating func addPersonalAPIKey(userUUID: String, label: String, lastUsedAt: Int64? = nil) -> PersonalAPIKey
    {
        let key = PersonalAPIKey(id: issueUUID(), userUUID: userUUID, label: label, lastUsedAt: lastUsedAt)
        personalAPIKeys.append(key)
        return key
    }
}

// MARK: - Invites

extension FakePostHogState {
    /// What `POST /invites/` (or one item of the bulk call) asks for.
    public struct InviteRequest: Sendable, Hashable {
        public var targetEmail: String
        public var level: Int
        public var firstName: String
        public var message: String?
        public var privateProjectAccess: [ProjectAccess]
        public var sendEmail: Bool
        public var combinePendingInvites: Bool

        public init(
            targetEmail: String,
            level: Int = 1,
            firstName: String = "",
            message: String? = nil,
            privateProjectAccess: [ProjectAccess] = [],
            sendEmail: Bool = true,
            combinePendingInvites: Bool = false
        ) {
            self.targetEmail = targetEmail
            self.level = level
            self.firstName = firstName
            self.message = message
            self.privateProjectAccess = privateProjectAccess
            self.sendEmail = sendEmail
            self.combinePendingInvites = combinePendingInvites
        }

        /// Reads a JSON invite object as PostHog's serializer does.
        ///
        /// - Throws: 400 `validation_error` for a missing or malformed field.
        public static func parse(_ json: JSONValue) throws(FakePostHogError) -> InviteRequest {
            guard json.objectValue != nil else {
                throw .validation("Invalid data. Expected a dictionary, but got \(json.typeName).")
            }
            guard let email = json["target_email"]?.stringValue, let at = email.lastIndex(of: "@"),
                at != email.startIndex, email.index(after: at) != email.endIndex
            else {
                throw .validation("Enter a valid email address.", attr: "target_email")
            }
            // PostHog lowercases the domain only: the local part is stored as sent.
            let stored = email[..<at] + email[at...].lowercased()
            var request = InviteRequest(targetEmail: String(stored))
            if let level = json["level"], level != .null {
                guard let value = level.int64Value, [1, 8, 15].contains(value) else {
                    throw .validation(
                        "\"\(level.serialized)\" is not a valid choice.",
                        attr: "level",
                        code: "invalid_choice"
                    )
                }
                request.level = Int(value)
            }
            request.firstName = json["first_name"]?.stringValue ?? ""
            request.message = json["message"]?.stringValue
            if case .bool(let flag) = json["send_email"] { request.sendEmail = flag }
            if case .bool(let flag) = json["combine_pending_invites"] { request.combinePendingInvites = flag }
            // PostHog/posthog posthog/models/organization_invite.py, validate_private_project_access:
            // `id` must be an integer and `level` one of "none", "member", "admin" (numbers are
            // refused since access-control records replaced explicit team memberships).
            for item in json["private_project_access"]?.arrayValue ?? [] {
                guard item.objectValue != nil else {
                    throw .validation("Each item in the list must be a dictionary.", attr: "private_project_access")
                }
                guard let id = item["id"], let level = item["level"] else {
                    throw .validation(
                        "Each dictionary must contain \"id\" and \"level\" keys.", attr: "private_project_access")
                }
                guard let number = id.int64Value else {
                    throw .validation("The \"id\" field must be an integer.", attr: "private_project_access")
                }
                guard let name = level.stringValue, FakePostHogState.projectAccessLevels.contains(name) else {
                    throw .validation(
                        "The \"level\" field must be a valid access level.", attr: "private_project_access")
                }
                request.privateProjectAccess.append(ProjectAccess(projectID: Int(number), level: name))
            }
            return request
        }
    }

    /// `POST /invites/`: deletes every invite for the address and creates a new one (with a new
    /// id); with `combine_pending_invites`, the new one keeps the highest level and all project
    /// access of the pending ones.
    ///
    /// Both the member check and the replacement compare the stored address exactly, as PostHog
    /// does (`user__email=`, `target_email=`; PostHog/posthog `posthog/api/organization_invite.py`):
    /// an invite for `ada@example.com` neither meets the member `Ada@example.com` nor replaces an
    /// invite for `Ada@example.com`.
    ///
    /// - Throws: 400 when the address already belongs to the organization or a project is
    ///   unknown, 403 for a level above the caller's.
    public mutating func createInvite(_ request: InviteRequest) throws(FakePostHogError) -> Invite {
        if member(exactEmail: request.targetEmail) != nil {
            throw .validation(
                "A user with this email address already belongs to the organization.",
                attr: "target_email"
            )
        }
        guard request.level <= (member(uuid: callerUUID)?.level ?? 15) else {
            throw .permissionDenied("You can only invite others with access level lower or equal to your current one.")
        }
        var level = request.level
        var access = request.privateProjectAccess
        for grant in access where project(id: grant.projectID) == nil {
            throw .validation("Project \(grant.projectID) does not exist.", attr: "private_project_access")
        }
        let previous = invites.filter { $0.targetEmail == request.targetEmail }
        if request.combinePendingInvites {
            for invite in previous where !invite.isExpired {
                level = max(level, invite.level)
                for grant in invite.privateProjectAccess
                where !access.contains(where: { $0.projectID == grant.projectID }) {
                    access.append(grant)
                }
            }
        }
        invites.removeAll { $0.targetEmail == request.targetEmail }
        let invite = Invite(
            id: issueUUID(),
            targetEmail: request.targetEmail,
            firstName: request.firstName,
            level: level,
            isExpired: false,
            privateProjectAccess: access,
            message: request.message,
            emailingAttemptMade: request.sendEmail,
            createdAt: now()
        )
        invites.append(invite)
        return invite
    }

    /// `POST /invites/bulk/`: all or nothing — one failing item (an address that already
    /// belongs to the organization, say) fails the call and nothing is kept.
    public mutating func createInvites(_ requests: [InviteRequest]) throws(FakePostHogError) -> [Invite] {
        var next = self
        var created: [Invite] = []
        for request in requests {
            created.append(try next.createInvite(request))
        }
        self = next
        return created
    }

    /// `DELETE /invites/{id}/`: 404 when unknown (or already deleted).
    public mutating func deleteInvite(id: String) throws(FakePostHogError) {
        guard let index = invites.firstIndex(where: { $0.id == id }) else { throw .notFound }
        invites.remove(at: index)
    }

    /// The invitee accepts their pending invite: they become a member with its level, each private
    /// project becomes an access-control record for them (`resource: "project"`), and their
    /// invites are gone (PostHog/posthog `posthog/models/organization_invite.py`, `use`).
    ///
    /// - Throws: 404 when `email` has no pending (unexpired) invite.
    @discardableResult
    public mutating func acceptInvite(email: String) throws(FakePostHogError) -> Member {
        guard let invite = invites(email: email).last(where: { !$0.isExpired }) else { throw .notFound }
        invites.removeAll { $0.targetEmail.lowercased() == email.lowercased() }
        return addMember(
            email: invite.targetEmail,
            firstName: invite.firstName,
            level: invite.level,
            privateProjects: invite.privateProjectAccess
        )
    }

    /// Adds an invite directly (test seeding), bypassing the member check and replacement.
    @discardableResult
    public mutating func insertInvite(
        email: String,
        level: Int = 1,
        privateProjectAccess: [ProjectAccess] = [],
        isExpired: Bool = false
    ) -> Invite {
        let invite = Invite(
            id: issueUUID(),
            targetEmail: email,
            firstName: "",
            level: level,
            isExpired: isExpired,
            privateProjectAccess: privateProjectAccess,
            message: nil,
            emailingAttemptMade: false,
            createdAt: now()
        )
        invites.append(invite)
        return invite
    }

    /// Marks the invites for `email` expired.
    public mutating func expireInvites(email: String) {
        for index in invites.indices where invites[index].targetEmail.lowercased() == email.lowercased() {
            invites[index].isExpired = true
        }
    }
}
