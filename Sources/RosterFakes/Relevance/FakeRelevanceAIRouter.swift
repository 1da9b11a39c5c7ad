import RosterCore

/// Maps admitted HTTP requests onto ``FakeRelevanceAIState`` rules within the project the
/// request's header named, and renders Relevance AI's JSON shapes (served under `/latest`).
enum FakeRelevanceAIRouter {
    /// Answers one request in `project`, changing `state` as the real API would.
    static func respond(
        to request: FakeHTTPRequest, project: String, state: inout FakeRelevanceAIState
    )
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
            var listed = page.items.map { render($0, state) }
            let raw = state.rawRecords[.projects] ?? []
            if (int(request.queryValue("page")) ?? 1) == 1 { listed += raw }
            return .object(["projects": .array(listed), "count": number(state.projects.count + raw.count)])
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
            let raw = state.rawRecords[.invites(projectID: project)] ?? []
            return .object(["results": .array(state.invites(in: project).map { render($0, state) } + raw)])
        case ("POST", ["auth", "invite", "delete"]):
            try state.deleteInvite(projectID: project, code: body["invite_code"]?.stringValue)
            return .object([:])
        case ("POST", ["auth", "users", "list"]):
            return try users(body, project, state)
        case ("POST", let path)
        where path.count == 6 && path[0] == "auth" && path[1] == "organization" && path[3] == "user"
            && path[5] == "update":
            let role = body["role"]
            if let role, role.stringValue == nil { throw .invalid("role must be a string") }
            let admin: Bool?
            switch body["admin"] {
            case .bool(let value)?: admin = value
            case nil: admin = nil
            default: throw .invalid("admin must be a boolean")
            }
            try state.updateOrganizationUser(
                organizationID: path[2],
                userID: path[4],
                admin: admin,
                role: role?.stringValue
            )
            return .object([:])
        case ("POST", let path) where path.count == 4 && path[0] == "auth" && path[1] == "users":
            return try user(request, body, userID: path[2], action: path[3], project, &state)
        case ("POST", let path) where path.count == 5 && path[0] == "auth" && path[1] == "users" && path[3] == "keys":
            return try keys(body, userID: path[2], action: path[4], project, &state)
        default:
            throw notFound(request)
        }
    }

    /// `POST /auth/users/list`, as the vendor's OpenAPI describes it: the filters
    /// (`email_search`, a case-sensitive substring; `id`; `type`) select organisation users, a
    /// page of them is read, and only then are users without access to the project dropped
    /// (permission filtering). `has_more` is true when that raw page was full — computed before
    /// the filtering, so a page can be empty while `has_more` is true — and absent otherwise.
    /// Raw records added with ``FakeRelevanceAIState/addRawRecord(_:to:)`` join the first page.
    private static func users(
        _ body: JSONValue, _ project: String, _ state: FakeRelevanceAIState
    )
        throws(FakeRelevanceAIError) -> JSONValue
    {
        let filters = body["user_filters"]
        let search = filters?["email_search"]?.stringValue
        let id = filters?["id"]?.stringValue
        let type = filters?["type"]?.stringValue
        let queried = state.users.filter { user in
            (search.map { user.email.contains($0) } ?? true)  // case-sensitive, as documented
                && (id.map { user.id == $0 } ?? true) && (type.map { user.type == $0 } ?? true)
        }
        let size = int(body["page_size"]) ?? state.options.defaultPageSize
        let number = int(body["page"]) ?? 1
        let page = try state.page(queried, page: number, pageSize: size)
        var results = page.items.filter { state.canAccess(projectID: project, userID: $0.id) }.map {
            render(user: $0, listedIn: project, state)
        }
        if number == 1 { results += state.rawRecords[.users(projectID: project)] ?? [] }
        var result: [String: JSONValue] = ["results": .array(results)]
        if page.items.count == size { result["has_more"] = .bool(true) }
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

    /// One project's permission document: `{items: {relevanceDefault: {actions}}, role_context}`.
    static func permissions(_ actions: [String: Bool], inherited: String? = nil) -> JSONValue {
        let explicit = projectRole(actions)
        let effective = inherited ?? explicit
        var document: [String: JSONValue] = [
            "items": .object(["relevanceDefault": .object(["actions": .object(actions.mapValues(JSONValue.bool))])])
        ]
        if let effective {
            document["role_context"] = .object([
                "entity_type": .string("project"),
                "role": .string(effective),
                "is_inherited": .bool(explicit == nil),
            ])
        }
        return .object(document)
    }

    /// The strongest project role `actions` grant (`admin`, `editor`, `operator`, `viewer`, `chat`).
    static func projectRole(_ actions: [String: Bool]) -> String? {
        let granted = Set(actions.filter(\.value).keys)
        if granted.contains("admin") { return "admin" }
        return ["editor", "operator", "viewer", "chat"].first { granted.contains("role:\($0)") }
    }

    /// A listed user: `permissions.projects[<id>]` for every project they are a member of (and
    /// the listed project when they see it as an organisation admin), `permissions.organizations`
    /// with their organisation role — never a top-level `permissions.items`.
    static func render(
        user: FakeRelevanceAIState.User, listedIn listed: String, _ state: FakeRelevanceAIState
    )
        -> JSONValue
    {
        let admin = state.isOrganizationAdmin(user.id)
        var projects: [String: JSONValue] = [:]
        for membership in state.memberships where membership.userID == user.id {
            projects[membership.projectID] = permissions(membership.actions, inherited: admin ? "admin" : nil)
        }
        if admin, projects[listed] == nil {
            projects[listed] = permissions([:], inherited: "admin")
        }
        let organization: JSONValue = .object([
            "items": .object([:]),
            "role_context": .object([
                "entity_type": .string("organization"), "role": .string(state.organizationRole(of: user.id)),
            ]),
        ])
        return .object([
            "_id": .string(user.id), "email": .string(user.email), "type": .string(user.type),
            "permissions": .object([
                "projects": .object(projects),
                "organizations": .object([state.organizationID: organization]),
            ]),
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

    /// A listed invite: `_id` (the code, or a record id under
    /// ``FakeRelevanceAIState/Options/InviteIDs/separate``), never `invite_code`, as documented.
    static func render(_ invite: FakeRelevanceAIState.Invite, _ state: FakeRelevanceAIState) -> JSONValue {
        var fields: [String: JSONValue] = [
            "_id": .string(state.options.inviteIDs == .sameAsCode ? invite.code : invite.recordID),
            "email": .string(invite.email),
            "project": .string(invite.projectID),
            "permissions": permissions(invite.actions),
            "email_status": .string("sent"),
        ]
        if let user = state.user(email: invite.email) { fields["user_id"] = .string(user.id) }
        return .object(fields)
    }
}
