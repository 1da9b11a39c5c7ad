import RosterCore

// MARK: - Seeding and reading state (test hooks)

extension FakePostHogServer {
    /// Members, the calling owner included.
    public var members: [FakePostHogState.Member] { snapshot.members }

    /// Projects.
    public var projects: [FakePostHogState.Project] { snapshot.projects }

    /// Invites, expired ones included.
    public var invites: [FakePostHogState.Invite] { snapshot.invites }

    /// The member whose address is `email` (compared case-insensitively: a test helper).
    public func member(email: String) -> FakePostHogState.Member? { snapshot.member(email: email) }

    /// Whether project `projectID` is private (either representation).
    public func isPrivate(projectID: Int) -> Bool { snapshot.isPrivate(projectID: projectID) }

    /// The explicit access level (`"member"`, `"admin"`, `"none"`) of the member with address
    /// `email` to `projectID`, from the project's access-control records.
    public func projectAccessLevel(projectID: Int, email: String) -> String? {
        let state = snapshot
        guard let member = state.member(email: email) else { return nil }
        return state.projectAccessLevel(projectID: projectID, memberID: member.id)
    }

    /// The invites for `email`, expired ones included.
    public func invites(email: String) -> [FakePostHogState.Invite] { snapshot.invites(email: email) }

    /// The owner whose personal API key the server accepts.
    public var caller: FakePostHogState.Member { snapshot.member(uuid: snapshot.callerUUID)! }

    /// Adds a member (or returns the existing one with that address).
    ///
    /// - Parameters:
    ///   - email: The address.
    ///   - level: 1 member (default), 8 admin, 15 owner.
    ///   - privateProjects: Private projects they can see.
    @discardableResult
    public func addMember(
        email: String,
        level: Int = 1,
        privateProjects: [FakePostHogState.ProjectAccess] = []
    ) -> FakePostHogState.Member {
        withState { $0.addMember(email: email, level: level, privateProjects: privateProjects) }
    }

    /// Adds a project, optionally private: `isPrivate` the current way (a project-wide
    /// access-control record with `"none"`), `legacyPrivate` the deprecated way
    /// (`access_control: true`).
    @discardableResult
    public func addProject(
        name: String, isPrivate: Bool = false, legacyPrivate: Bool = false
    )
        -> FakePostHogState.Project
    {
        withState {
            $0.insertProject(name: name, privacy: legacyPrivate ? .legacyFlag : isPrivate ? .accessControl : .open)
        }
    }

    /// Adds an invite, bypassing the member check and the replacement of earlier invites.
    @discardableResult
    public func addInvite(
        email: String,
        level: Int = 1,
        privateProjectAccess: [FakePostHogState.ProjectAccess] = [],
        isExpired: Bool = false
    ) -> FakePostHogState.Invite {
        withState {
            $0.insertInvite(
                email: email,
                level: level,
                privateProjectAccess: privateProjectAccess,
                isExpired: isExpired
            )
        }
    }

    /// Adds a personal API key for a user.
    @discardableResult
    public func addPersonalAPIKey(
        userUUID: String, label: String = "key", lastUsedAt: Int64? = nil
    )
        -> FakePostHogState.PersonalAPIKey
    {
        withState { $0.addPersonalAPIKey(userUUID: userUUID, label: label, lastUsedAt: lastUsedAt) }
    }

    /// The invitee accepts their pending invite and becomes a member.
    ///
    /// - Throws: ``FakePostHogError`` 404 when there is no pending invite for `email`.
    @discardableResult
    public func acceptInvite(email: String) throws -> FakePostHogState.Member {
        try withState { state throws(FakePostHogError) in try state.acceptInvite(email: email) }
    }

    /// Appends a raw JSON record to a listing (on its first page), to play a record a client
    /// cannot decode.
    public func addRawRecord(_ record: JSONValue, to listing: FakePostHogState.Listing) {
        withState { $0.addRawRecord(record, to: listing) }
    }

    /// Marks the invites for `email` expired.
    public func expireInvites(email: String) {
        withState { $0.expireInvites(email: email) }
    }
}
