import RosterCore

/// Maps admitted HTTP requests onto ``FakeConfidentAIState`` rules and renders Confident AI's
/// envelopes: `{"success": true, "data": {…}}`, errors as ``FakeConfidentAIError``.
enum FakeConfidentAIRouter {
    /// Answers one request, changing `state` as the real API would.
    static func respond(to request: FakeHTTPRequest, state: inout FakeConfidentAIState) -> FakeHTTPResponse {
        do {
            let data = try route(request, &state)
            return .json(200, JSONValue.object(["success": .bool(true), "data": data]).serialized)
        } catch {
            return error.response()
        }
    }

    private static func route(
        _ request: FakeHTTPRequest, _ state: inout FakeConfidentAIState
    )
        throws(FakeConfidentAIError) -> JSONValue
    {
        let segments = request.path.split(separator: "/").map { FakeHTTPRequest.percentDecode($0) }
        guard segments.first == "v1" else { throw notFound(request) }
        let parts = Array(segments.dropFirst())
        switch (request.method, parts.count, parts.first) {
        case (_, _, "organization"):
            return try organization(request, Array(parts.dropFirst()), &state)
        case ("GET", 1, "projects"):
            return .object(["projects": .array(state.projects.map { project($0, state) } + raw(request, state))])
        case ("POST", 1, "projects"):
            let body = try json(request)
            let created = try state.createProject(
                name: body["name"]?.stringValue,
                description: body["description"]?.stringValue,
                ownerEmail: body["email"]?.stringValue
            )
            return .object(["project": project(created, state), "apiKey": apiKey(for: created)])
        case (_, _, "projects") where parts.count >= 2:
            return try projectScoped(request, parts[1], Array(parts.dropFirst(2)), &state)
        default:
            throw notFound(request)
        }
    }

    private static func organization(
        _ request: FakeHTTPRequest,
        _ parts: [String],
        _ state: inout FakeConfidentAIState
    ) throws(FakeConfidentAIError) -> JSONValue {
        switch (request.method, parts.first, parts.count) {
        case ("GET", "members", 1):
            let page = try state.page(
                state.members,
                page: request.queryValue("page"),
                pageSize: request.queryValue("pageSize")
            )
            let extra = raw(request, state)
            let listed = page.map { member($0, state) } + (firstPage(request) ? extra : [])
            return .object(["members": .array(listed), "total": number(state.members.count + extra.count)])
        case ("PUT", "members", 2):
            let updated = try state.updateOrganizationRole(
                userID: parts[1],
                roleID: try json(request)["roleId"]?.stringValue
            )
            return .object(["member": member(updated, state)])
        case ("DELETE", "members", 2):
            try state.removeOrganizationMember(userID: parts[1])
            return .object(["id": .string(parts[1]), "removed": .bool(true)])
        case ("GET", "invitations", 1):
            return invitationList(
                state.invitations(projectID: nil).filter { $0.status != .accepted },
                raw(request, state)
            )
        case ("POST", "invitations", 1):
            let body = try json(request)
            let created = try state.invite(
                emails: try emails(body),
                roleID: body["organizationRoleId"]?.stringValue,
                projectID: nil
            )
            return invitationList(created)
        case (_, "invitations", 2):
            return try invitationByID(request, parts[1], projectID: nil, &state)
        case ("GET", "roles", 1):
            return .object(["roles": .array(state.organizationRoles.map { role($0, state) })])
        default:
            throw notFound(request)
        }
    }

    private static func projectScoped(
        _ request: FakeHTTPRequest,
        _ projectID: String,
        _ parts: [String],
        _ state: inout FakeConfidentAIState
    ) throws(FakeConfidentAIError) -> JSONValue {
        let index = try state.projectIndex(projectID)
        switch (request.method, parts.first, parts.count) {
        case ("GET", nil, 0):
            return .object(["project": project(state.projects[index], state)])
        case ("DELETE", nil, 0):
            try state.deleteProject(id: projectID)
            return .object(["id": .string(projectID), "deleted": .bool(true)])
        case ("GET", "members", 1):
            let all = state.members(of: projectID)
            let page = try state.page(all, page: request.queryValue("page"), pageSize: request.queryValue("pageSize"))
            let extra = raw(request, state)
            let listed = page.map { projectMember($0, state) } + (firstPage(request) ? extra : [])
            return .object(["members": .array(listed), "total": number(all.count + extra.count)])
        case ("PUT", "members", 2):
            let updated = try state.updateProjectRole(
                projectID: projectID,
                userID: parts[1],
                roleID: try json(request)["roleId"]?.stringValue
            )
            return .object(["member": projectMember(updated, state)])
        case ("DELETE", "members", 2):
            try state.removeProjectMember(projectID: projectID, userID: parts[1])
            return .object(["id": .string(parts[1]), "removed": .bool(true)])
        case ("GET", "invitations", 1):
            return invitationList(
                state.invitations(projectID: projectID).filter { $0.status != .accepted },
                raw(request, state)
            )
        case ("POST", "invitations", 1):
            let body = try json(request)
            let created = try state.invite(
                emails: try emails(body),
                roleID: body["projectRoleId"]?.stringValue,
                projectID: projectID
            )
            return invitationList(created)
        case (_, "invitations", 2):
            return try invitationByID(request, parts[1], projectID: projectID, &state)
        case ("GET", "roles", 1):
            return .object(["roles": .array(state.projectRoles(of: projectID).map { role($0, state) })])
        default:
            throw notFound(request)
        }
    }

    /// `PUT` (resend) and `DELETE` (revoke) of one invitation.
    private static func invitationByID(
        _ request: FakeHTTPRequest,
        _ text: String,
        projectID: String?,
        _ state: inout FakeConfidentAIState
    ) throws(FakeConfidentAIError) -> JSONValue {
        guard let id = Int(text) else { throw .notFound("Invitation not found") }
        switch request.method {
        case "PUT":
            guard let found = state.invitations(projectID: projectID).first(where: { $0.id == id && $0.isPending })
            else {
                throw .notFound("Invitation not found")
            }
            return .object(["invitation": invitation(found)])
        case "DELETE":
            try state.deleteInvitation(id: id, projectID: projectID)
            return .object(["id": number(id), "deleted": .bool(true)])
        default:
            throw notFound(request)
        }
    }

    // MARK: - Helpers

    private static func notFound(_ request: FakeHTTPRequest) -> FakeConfidentAIError {
        .notFound("Cannot \(request.method) \(request.path)")
    }

    /// The request's JSON object body (`{}` when empty).
    private static func json(_ request: FakeHTTPRequest) throws(FakeConfidentAIError) -> JSONValue {
        guard !request.body.isEmpty else { return .object([:]) }
        guard let value = try? JSONParser().parse(request.body), value.objectValue != nil else {
            throw .badRequest("Request body must be a JSON object")
        }
        return value
    }

    /// `emails` as strings: `nil` when absent, 400 when not an array of strings.
    private static func emails(_ body: JSONValue) throws(FakeConfidentAIError) -> [String]? {
        guard let value = body["emails"] else { return nil }
        guard let array = value.arrayValue else { throw .badRequest("emails must be an array of strings") }
        var emails: [String] = []
        for item in array {
            guard let email = item.stringValue else { throw .badRequest("emails must be an array of strings") }
            emails.append(email)
        }
        return emails
    }

    private static func number(_ value: Int) -> JSONValue { .number(String(value)) }

    /// The raw records seeded for the listing at the request's path.
    private static func raw(_ request: FakeHTTPRequest, _ state: FakeConfidentAIState) -> [JSONValue] {
        state.rawRecords[request.path] ?? []
    }

    /// Whether the request asks for the first page (no `page`, or `page=1`).
    private static func firstPage(_ request: FakeHTTPRequest) -> Bool {
        (request.queryValue("page").flatMap { Int($0) } ?? 1) == 1
    }

    private static func optional(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }

    // MARK: - Shapes

    static func project(_ project: FakeConfidentAIState.Project, _ state: FakeConfidentAIState) -> JSONValue {
        .object([
            "id": .string(project.id),
            "name": .string(project.name),
            "description": optional(project.description),
            "organizationId": .string(state.organizationID),
            "created_at": .string(project.createdAt),
            "governancePolicy": .null,
        ])
    }

    /// The project's first key, shown in full once, as the real create does.
    static func apiKey(for project: FakeConfidentAIState.Project) -> JSONValue {
        .object([
            "id": number(1),
            "name": .string("Default"),
            "valid": .bool(true),
            "value": .string("confident_us_fake_\(project.id)"),
            "created_at": .string(project.createdAt),
            "lastUsed": .null,
        ])
    }

    static func member(_ member: FakeConfidentAIState.Member, _ state: FakeConfidentAIState) -> JSONValue {
        .object([
            "id": .string(member.id),
            "email": .string(member.email),
            "name": .string(member.name),
            "image": .null,
            "organizationRole": state.organizationRole(id: member.roleID).map(roleReference) ?? .null,
        ])
    }

    static func projectMember(
        _ membership: FakeConfidentAIState.ProjectMember, _ state: FakeConfidentAIState
    )
        -> JSONValue
    {
        let user = state.member(id: membership.userID)
        return .object([
            "id": .string(membership.userID),
            "email": optional(user?.email),
            "name": optional(user?.name),
            "image": .null,
            "projectRole": state.projectRole(id: membership.roleID, in: membership.projectID).map(roleReference)
                ?? .null,
        ])
    }

    static func roleReference(_ role: FakeConfidentAIState.Role) -> JSONValue {
        .object(["id": .string(role.id), "name": .string(role.name)])
    }

    static func role(_ role: FakeConfidentAIState.Role, _ state: FakeConfidentAIState) -> JSONValue {
        .object([
            "id": .string(role.id),
            "name": .string(role.name),
            "description": .null,
            "organizationId": .null,
            "projectId": optional(role.projectID),
            "policies": .array([]),
        ])
    }

    static func invitation(_ invitation: FakeConfidentAIState.Invitation) -> JSONValue {
        .object([
            "id": number(invitation.id),
            "email": .string(invitation.email),
            "status": .string(invitation.status.rawValue),
            "created_at": .string(invitation.createdAt),
            invitation.projectID == nil ? "organizationRoleId" : "projectRoleId": optional(invitation.roleID),
        ])
    }

    private static func invitationList(
        _ invitations: [FakeConfidentAIState.Invitation], _ raw: [JSONValue] = []
    )
        -> JSONValue
    {
        .object(["invitations": .array(invitations.map(invitation) + raw)])
    }
}
