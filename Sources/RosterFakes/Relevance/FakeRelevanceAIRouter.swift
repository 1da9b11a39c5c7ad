import RosterCore

/// Maps admitted HTTP requests onto ``FakeRelevanceAIState`` rules within the project the
/// request's header named, and renders Relevance AI's JSON shapes (served under `/latest`).
enum FakeRelevanceAIRouter {
    /// Answers one request in `project`, changing `state` as the real API would.
    static func respond(to request: FakeHTTPRequest, project: String, state: inout FakeRelevanceAIState)
        -> FakeHTTPResponse
    {
        do {
            return .json(200, try route(request, project, &state).serialized)
        } catch {
            return error.response()
        }
    }

    private static func route(
        _ request: FakeHTTPRequest,
        _ project: String,
        _ state: inout FakeRelevanceAIState
    ) throws(FakeRelevanceAIError) -> JSONValue {
        let segments = request.path.split(separator: "/").map { FakeHTTPRequest.percentDecode($0) }
        guard segments.first == "latest" else { throw notFound(request) }
        let parts = Array(segments.dropFirst())
        let body = request.method == "POST" ? try json(request) : .object([:])
        switch (request.method, parts) {
        case ("GET", ["projects", "list"]):
            let page = try state.page(
                state.projects,
                page: int(request.queryValue("page")),
                pageSize: int(request.queryValue("page_size"))
            )
            return .object([
                "projects": .array(page.items.map { render($0, state) }), "count": number(state.projects.count),
            ])
        case ("POST", ["projects", "create"]):
            let created = try state.createProject(
                organizationID: body["organization_id"]?.stringValue,
                name: body["name"]?.stringValue,
                description: body["description"]?.stringValue
            )
            return .object(["project_id": .string(created.id)])
        case ("POST", ["auth", "invite", "create"]):
            let (code, status) = try state.createInvite(
                projectID: project,
                email: body["email"]?.stringValue,
                userID: body["user_id"]?.stringValue,
                actions: actions(body)
            )
            return .object(["invite_code": .string(code), "email_status": .string(status)])
        case ("POST", ["auth", "invite", "list"]):
            return .object(["results": .array(state.invites(in: project).map { render($0, state) })])
        case ("POST", ["auth", "invite", "delete"]):
            try state.deleteInvite(projectID: project, code: body["invite_code"]?.stringValue)
            return .object([:])
        case ("POST", ["auth", "users", "list"]):
            return try users(body, project, state)
        case ("POST", let path) where path.count == 4 && path[0] == "auth" && path[1] == "users":
            return try user(request, body, userID: path[2], action: path[3], project, &state)
        case ("POST", let path) where path.count == 5 && path[0] == "auth" && path[1] == "users" && path[3] == "keys":
            return try keys(body, userID: path[2], action: path[4], project, &state)
        default:
            throw notFound(request)
        }
    }

    /// `POST /auth/users/list`: the project's users, filtered and paged; `has_more` only when true.
    private static func users(_ body: JSONValue, _ project: String, _ state: FakeRelevanceAIState)
        throws(FakeRelevanceAIError) -> JSONValue
    {
        let filters = body["user_filters"]
        let search = filters?["email_search"]?.stringValue
        let id = filters?["id"]?.stringValue
        let matching = state.members(of: project).compactMap {
            membership -> (FakeRelevanceAIState.User, [String: Bool])? in
            guard let user = state.user(id: membership.userID) else { return nil }
            if let search, !user.email.contains(search) { return nil }  // case-sensitive, as documented
            if let id, user.id != id { return nil }
            return (user, membership.actions)
        }
        let page = try state.page(matching, page: int(body["page"]), pageSize: int(body["page_size"]))
        var result: [String: JSONValue] = [
            "results": .array(
                page.items.map { user, actions in
                    .object([
                        "_id": .string(user.id), "email": .string(user.email), "type": .string(user.type),
                        "permissions": permissions(actions),
                    ])
                }
            )
        ]
        if page.hasMore { result["has_more"] = .bool(true) }
        return .object(result)
    }

    /// `POST /auth/users/{id}/update|delete`.
    private static func user(
        _ request: FakeHTTPRequest,
        _ body: JSONValue,
        userID: String,
        action: String,
        _ project: String,
        _ state: inout FakeRelevanceAIState
    ) throws(FakeRelevanceAIError) -> JSONValue {
        switch action {
        case "update":
            let overwrite = body["overwrite"] == .bool(true)
            try state.updateUser(projectID: project, userID: userID, actions: actions(body), overwrite: overwrite)
        case "delete":
            try state.removeUser(projectID: project, userID: userID)
        default:
            throw notFound(request)
        }
        return .object([:])
    }

    /// `POST /auth/users/{id}/keys/list|delete`.
    private static func keys(
        _ body: JSONValue,
        userID: String,
        action: String,
        _ project: String,
        _ state: inout FakeRelevanceAIState
    ) throws(FakeRelevanceAIError) -> JSONValue {
        guard state.user(id: userID) != nil else { throw .notFound("User not found") }
        switch action {
        case "list":
            let keys = state.apiKeys(of: userID, in: project).map { key -> JSONValue in
                .object(["_id": .string(key.id), "label": .string(key.label), "notes": .string(""), "ttl_hours": .null])
            }
            return .object(["results": .array(keys)])
        case "delete":
            try state.deleteAPIKey(projectID: project, userID: userID, keyID: body["id"]?.stringValue)
            return .object([:])
        default:
            throw .notFound("Not found")
        }
    }

    // MARK: - Helpers

    private static func notFound(_ request: FakeHTTPRequest) -> FakeRelevanceAIError {
        .notFound("Route \(request.method) \(request.path) not found")
    }

    /// The request's JSON object body (`{}` when empty).
    private static func json(_ request: FakeHTTPRequest) throws(FakeRelevanceAIError) -> JSONValue {
        guard !request.body.isEmpty else { return .object([:]) }
        guard let value = try? JSONParser().parse(request.body), value.objectValue != nil else {
            throw .invalid("Body must be a JSON object")
        }
        return value
    }

    /// `permissions.items.relevanceDefault.actions` as booleans, or `nil` when absent or malformed.
    private static func actions(_ body: JSONValue) -> [String: Bool]? {
        guard let object = body["permissions"]?["items"]?["relevanceDefault"]?["actions"]?.objectValue else {
            return nil
        }
        var actions: [String: Bool] = [:]
        for (name, value) in object {
            guard case .bool(let granted) = value else { return nil }
            actions[name] = granted
        }
        return actions
    }

    private static func int(_ value: JSONValue?) -> Int? {
        guard let value else { return nil }
        return value.int64Value.map(Int.init) ?? value.stringValue.flatMap { Int($0) }
    }

    private static func int(_ text: String?) -> Int? { text.flatMap { Int($0) } }

    private static func number(_ value: Int) -> JSONValue { .number(String(value)) }

    // MARK: - Shapes

    static func permissions(_ actions: [String: Bool]) -> JSONValue {
        .object([
            "items": .object(["relevanceDefault": .object(["actions": .object(actions.mapValues(JSONValue.bool))])])
        ])
    }

    static func render(_ project: FakeRelevanceAIState.Project, _ state: FakeRelevanceAIState) -> JSONValue {
        .object([
            "project_id": .string(project.id),
            "_id": .string(project.id),
            "name": .string(project.name),
            "description": .string(project.description),
            "organization_id": .string(state.organizationID),
            "organization_name": .string("Fake organization"),
            "created_by_user_id": .null,
            "permissions": .object([:]),
        ])
    }

    static func render(_ invite: FakeRelevanceAIState.Invite, _ state: FakeRelevanceAIState) -> JSONValue {
        .object([
            "_id": .string(invite.code),
            "email": .string(invite.email),
            "user_id": state.user(email: invite.email).map { .string($0.id) } ?? .null,
            "project": .string(invite.projectID),
            "permissions": permissions(invite.actions),
            "email_status": .string("sent"),
        ])
    }
}
