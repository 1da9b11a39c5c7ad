import RosterCore

/// Maps admitted HTTP requests onto ``FakeOpenAIState`` rules and renders OpenAI's JSON shapes.
///
/// Paths are served under `/v1`, as OpenAI does, so clients must keep the base URL's prefix.
enum FakeOpenAIRouter {
    /// Answers one request, changing `state` as the real API would.
    static func respond(to request: FakeHTTPRequest, state: inout FakeOpenAIState) -> FakeHTTPResponse {
        do {
            let (status, body) = try route(request, &state)
            return .json(status, body.serialized)
        } catch {
            return error.response()
        }
    }

    private static func route(
        _ request: FakeHTTPRequest, _ state: inout FakeOpenAIState
    ) throws(FakeOpenAIError) -> (Int, JSONValue) {
        let segments = request.path.split(separator: "/").map { FakeHTTPRequest.percentDecode($0) }
        guard segments.count >= 3, segments[0] == "v1", segments[1] == "organization" else {
            throw invalidURL(request)
        }
        // Resource paths alternate collection/id/collection/id: match on the shape with the ids
        // replaced by `*` ("projects/*/users/*") and read the ids from `ids`.
        let parts = Array(segments.dropFirst(2))
        let ids = parts.enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
        let shape = parts.enumerated().map { $0.offset % 2 == 1 ? "*" : $0.element }.joined(separator: "/")
        let id = ids.first ?? ""
        let subID = ids.count > 1 ? ids[1] : ""
        switch (request.method, shape) {
        // Projects
        case ("GET", "projects"):
            let archived = request.queryValue("include_archived") == "true"
            let projects = state.projects.filter { archived || !$0.isArchived }
            return (200, try list(projects, \.id, request, state, render: project))
        case ("POST", "projects"):
            let body = try json(request)
            return (200, project(try state.createProject(name: body["name"]?.stringValue ?? "")))
        case ("GET", "projects/*"):
            return (200, project(state.projects[try state.projectIndex(id)]))
        case ("POST", "projects/*"):
            let body = try json(request)
            let index = try state.projectIndex(id, active: true)
            if let name = body["name"]?.stringValue, !name.isEmpty {
                state.projects[index].name = name
            }
            return (200, project(state.projects[index]))
        case ("POST", "projects/*/archive"):
            return (200, project(try state.archiveProject(id: id)))

        // Project users
        case ("GET", "projects/*/users"):
            _ = try state.projectIndex(id, active: true)
            let members = state.members(of: id)
            return (200, try list(members, \.userID, request, state) { projectUser($0, state) })
        case ("POST", "projects/*/users"):
            let body = try json(request)
            let added = try state.addProjectUser(
                projectID: id,
                userID: body["user_id"]?.stringValue,
                email: body["email"]?.stringValue,
                role: body["role"]?.stringValue
            )
            return (200, projectUser(added, state))
        case ("GET", "projects/*/users/*"):
            _ = try state.projectIndex(id)
            guard let membership = state.membership(projectID: id, userID: subID) else {
                throw .notFound("User \(subID) is not a member of project \(id).")
            }
            return (200, projectUser(membership, state))
        case ("POST", "projects/*/users/*"):
            let body = try json(request)
            let updated = try state.updateProjectUser(projectID: id, userID: subID, role: body["role"]?.stringValue)
            return (200, projectUser(updated, state))
        case ("DELETE", "projects/*/users/*"):
            try state.deleteProjectUser(projectID: id, userID: subID)
            return (200, deleted("organization.project.user.deleted", subID))

        // API keys
        case ("GET", "projects/*/api_keys"):
            _ = try state.projectIndex(id)
            let access = request.queryValue("owner_project_access") ?? "active"
            guard ["active", "inactive", "any"].contains(access) else {
                throw .invalidRequest(
                    "Invalid 'owner_project_access': expected 'active', 'inactive' or 'any'.",
                    param: "owner_project_access")
            }
            let keys = state.apiKeys(in: id).filter { key in
                access == "any" || (access == "active") == state.ownerHasAccess(key)
            }
            return (200, try list(keys, \.id, request, state) { apiKey($0, state) })
        case ("GET", "projects/*/api_keys/*"):
            guard let key = state.apiKeys(in: id).first(where: { $0.id == subID }) else {
                throw .notFound("No such API key: \(subID)")
            }
            return (200, apiKey(key, state))
        case ("DELETE", "projects/*/api_keys/*"):
            try state.deleteAPIKey(projectID: id, keyID: subID)
            return (200, deleted("organization.project.api_key.deleted", subID))

        // Users
        case ("GET", "users"):
            let fold = state.options.emailFilterIgnoresCase
            let emails = Set(
                (request.queryValues("emails[]") + request.queryValues("emails")).map { fold ? $0.lowercased() : $0 })
            let users = state.users.filter { user in
                emails.isEmpty || user.email.map { emails.contains(fold ? $0.lowercased() : $0) } == true
            }
            return (200, try list(users, \.id, request, state, render: user))
        case ("GET", "users/*"):
            guard let found = state.user(id: id) else { throw .notFound("No such user: \(id)") }
            return (200, user(found))
        case ("POST", "users/*"):
            let body = try json(request)
            return (200, user(try state.updateUserRole(id: id, role: body["role"]?.stringValue)))
        case ("DELETE", "users/*"):
            try state.deleteUser(id: id)
            return (200, deleted("organization.user.deleted", id))

        // Invites
        case ("GET", "invites"):
            return (200, try list(state.invites, \.id, request, state, render: invite))
        case ("POST", "invites"):
            let body = try json(request)
            var grants: [FakeOpenAIState.ProjectGrant]?
            if let items = body["projects"], items != .null {
                guard let array = items.arrayValue else {
                    throw .invalidRequest("Invalid 'projects': expected an array.", param: "projects")
                }
                grants = try array.map { item throws(FakeOpenAIError) in
                    guard let id = item["id"]?.stringValue, let role = item["role"]?.stringValue else {
                        throw .invalidRequest("Invalid 'projects': each item needs 'id' and 'role'.", param: "projects")
                    }
                    return FakeOpenAIState.ProjectGrant(projectID: id, role: role)
                }
            }
            let created = try state.createInvite(
                email: body["email"]?.stringValue,
                role: body["role"]?.stringValue,
                projects: grants
            )
            return (200, invite(created))
        case ("GET", "invites/*"):
            guard let found = state.invites.first(where: { $0.id == id }) else {
                throw .notFound("No such invite: \(id)")
            }
            return (200, invite(found))
        case ("DELETE", "invites/*"):
            try state.deleteInvite(id: id)
            return (200, deleted("organization.invite.deleted", id))

        default:
            throw invalidURL(request)
        }
    }

    // MARK: - Helpers

    private static func invalidURL(_ request: FakeHTTPRequest) -> FakeOpenAIError {
        FakeOpenAIError(
            status: 404, message: "Invalid URL (\(request.method) \(request.path))", type: "invalid_request_error")
    }

    /// The request's JSON object body (`{}` when empty).
    private static func json(_ request: FakeHTTPRequest) throws(FakeOpenAIError) -> JSONValue {
        guard !request.body.isEmpty else { return .object([:]) }
        guard let value = try? JSONParser().parse(request.body), value.objectValue != nil else {
            throw .invalidRequest("We could not parse the JSON body of your request. Expected a JSON object.")
        }
        return value
    }

    /// A classic list envelope for one page of `items`.
    private static func list<Item>(
        _ items: [Item],
        _ id: (Item) -> String,
        _ request: FakeHTTPRequest,
        _ state: FakeOpenAIState,
        render: (Item) -> JSONValue
    ) throws(FakeOpenAIError) -> JSONValue {
        let page = try state.page(items, id: id, after: request.queryValue("after"), limit: request.queryValue("limit"))
        let raw = request.queryValue("after") == nil ? state.rawRecords[request.path] ?? [] : []
        return .object([
            "object": .string("list"),
            "data": .array(page.items.map(render) + raw),
            "first_id": page.items.first.map { .string(id($0)) } ?? .null,
            "last_id": page.items.last.map { .string(id($0)) } ?? .null,
            "has_more": .bool(page.hasMore),
        ])
    }

    private static func deleted(_ object: String, _ id: String) -> JSONValue {
        .object(["object": .string(object), "id": .string(id), "deleted": .bool(true)])
    }

    private static func number(_ value: Int64?) -> JSONValue {
        value.map { .number(String($0)) } ?? .null
    }

    // MARK: - Shapes

    static func project(_ project: FakeOpenAIState.Project) -> JSONValue {
        .object([
            "id": .string(project.id),
            "object": .string("organization.project"),
            "name": .string(project.name),
            "created_at": number(project.createdAt),
            "archived_at": number(project.archivedAt),
            "status": .string(project.isArchived ? "archived" : "active"),
        ])
    }

    static func user(_ user: FakeOpenAIState.User) -> JSONValue {
        .object([
            "object": .string("organization.user"),
            "id": .string(user.id),
            "name": .string(user.name),
            "email": user.email.map(JSONValue.string) ?? .null,
            "role": .string(user.role),
            "added_at": number(user.addedAt),
            "is_scim_managed": .bool(user.isScimManaged),
        ])
    }

    static func projectUser(_ membership: FakeOpenAIState.Membership, _ state: FakeOpenAIState) -> JSONValue {
        let member = state.user(id: membership.userID)
        return .object([
            "object": .string("organization.project.user"),
            "id": .string(membership.userID),
            "name": member.map { .string($0.name) } ?? .null,
            "email": member?.email.map(JSONValue.string) ?? .null,
            "role": .string(membership.role),
            "added_at": number(membership.addedAt),
        ])
    }

    static func invite(_ invite: FakeOpenAIState.Invite) -> JSONValue {
        .object([
            "object": .string("organization.invite"),
            "id": .string(invite.id),
            "email": .string(invite.email),
            "role": .string(invite.role),
            "status": .string(invite.status.rawValue),
            "created_at": number(invite.createdAt),
            "expires_at": number(invite.expiresAt),
            "accepted_at": number(invite.acceptedAt),
            "projects": .array(
                (invite.projects ?? []).map { .object(["id": .string($0.projectID), "role": .string($0.role)]) }),
        ])
    }

    static func apiKey(_ key: FakeOpenAIState.APIKey, _ state: FakeOpenAIState) -> JSONValue {
        let owner: JSONValue
        switch key.owner {
        case .user(let id, let email, let name):
            let role = state.membership(projectID: key.projectID, userID: id)?.role ?? "member"
            owner = .object([
                "type": .string("user"),
                "user": .object([
                    "object": .string("organization.project.user"),
                    "id": .string(id),
                    "email": email.map(JSONValue.string) ?? .null,
                    "name": .string(name),
                    "role": .string(role),
                    "created_at": number(key.createdAt),
                ]),
            ])
        case .serviceAccount(let id, let name, let role):
            owner = .object([
                "type": .string("service_account"),
                "service_account": .object([
                    "object": .string("organization.project.service_account"),
                    "id": .string(id),
                    "name": .string(name),
                    "role": .string(role),
                    "created_at": number(key.createdAt),
                ]),
            ])
        }
        return .object([
            "object": .string("organization.project.api_key"),
            "id": .string(key.id),
            "name": .string(key.name),
            "redacted_value": .string(key.redactedValue),
            "created_at": number(key.createdAt),
            "last_used_at": number(key.lastUsedAt),
            "owner_project_access": .string(state.ownerHasAccess(key) ? "active" : "inactive"),
            "owner": owner,
        ])
    }
}
