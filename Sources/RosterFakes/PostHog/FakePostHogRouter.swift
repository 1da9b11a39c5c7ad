import Foundation
import RosterCore

/// Maps admitted HTTP requests onto ``FakePostHogState`` rules and renders PostHog's JSON shapes.
///
/// Paths are `<prefix>/api/organizations/{org}/…` with or without a trailing slash; `{org}` is
/// the organization's UUID or `@current`. Lists are `limit`/`offset` pages with absolute
/// `next`/`previous` URLs built from the request's `Host`, as Django REST framework does.
enum FakePostHogRouter {
    /// Answers one request, changing `state` as the real API would.
    static func respond(
        to request: FakeHTTPRequest, state: inout FakePostHogState, pathPrefix: String
    )
        -> FakeHTTPResponse
    {
        do {
            let (status, body) = try route(request, &state, pathPrefix)
            guard let body else { return FakeHTTPResponse(status: status) }
            return .json(status, body.serialized)
        } catch {
            return error.response()
        }
    }

    private static func route(
        _ request: FakeHTTPRequest,
        _ state: inout FakePostHogState,
        _ prefix: String
    ) throws(FakePostHogError) -> (Int, JSONValue?) {
        var path = Substring(request.path)
        if !prefix.isEmpty {
            guard path.hasPrefix(prefix + "/") else { throw .notFound }
            path = path.dropFirst(prefix.count)
        }
        let segments = path.split(separator: "/").map { FakeHTTPRequest.percentDecode($0) }
        guard segments.count >= 4, segments[0] == "api", segments[1] == "organizations" else { throw .notFound }
        guard segments[2] == state.organizationID || segments[2] == "@current" else { throw .notFound }
        let parts = Array(segments.dropFirst(3))
        let method = request.method

        switch (parts.first, parts.count) {
        case ("projects", 1):
            switch method {
            case "GET":
                let search = request.queryValue("search")?.lowercased()
                let found = state.projects.filter { search == nil || $0.name.lowercased().contains(search!) }
                return (200, try list(found, request, state, raw: .projects) { project($0, state) })
            case "POST":
                return (201, project(try state.createProject(name: try json(request)["name"]?.stringValue), state))
            default: throw .methodNotAllowed(method)
            }
        case ("projects", 3) where parts[2] == "access_controls":
            guard let id = Int(parts[1]), state.project(id: id) != nil else { throw .notFound }
            switch method {
            case "GET": return (200, accessControls(projectID: id, state))
            case "PUT":
                guard let record = try state.putAccessControl(projectID: id, body: try json(request)) else {
                    return (204, nil)
                }
                return (200, accessControl(record))
            default: throw .methodNotAllowed(method)
            }
        case ("projects", 2):
            guard let id = Int(parts[1]), let found = state.project(id: id) else { throw .notFound }
            switch method {
            case "GET": return (200, project(found, state))
            case "DELETE":
                try state.deleteProject(id: id)
                return (204, nil)
            default: throw .methodNotAllowed(method)
            }

        case ("invites", 1):
            switch method {
            case "GET": return (200, try list(state.invites, request, state, raw: .invites) { invite($0, state) })
            case "POST":
                let created = try state.createInvite(try .parse(try json(request)))
                return (201, invite(created, state))
            default: throw .methodNotAllowed(method)
            }
        case ("invites", 2) where parts[1] == "bulk":
            guard method == "POST" else { throw .methodNotAllowed(method) }
            guard let items = try json(request).arrayValue else {
                throw .validation("This endpoint needs an array of data for bulk invite creation.", code: "max_length")
            }
            guard items.count <= 20 else {
                throw .validation("A maximum of 20 invites can be sent in a single request.", code: "max_length")
            }
            var requests: [FakePostHogState.InviteRequest] = []
            for item in items { requests.append(try .parse(item)) }
            let created = try state.createInvites(requests)
            guard state.options.bulkReturnsInvites else { return (200, nil) }
            return (201, .array(created.map { invite($0, state) }))
        case ("invites", 2):
            guard method == "DELETE" else { throw .methodNotAllowed(method) }
            try state.deleteInvite(id: parts[1])
            return (204, nil)

        case ("members", 1):
            guard method == "GET" else { throw .methodNotAllowed(method) }
            return (200, try list(try filteredMembers(request, state), request, state, raw: .members, render: member))
        case ("members", 2):
            switch method {
            case "PATCH":
                let body = try json(request)
                let level = body["level"]?.int64Value.map { Int($0) }
                return (200, member(try state.updateMemberLevel(uuid: parts[1], level: level)))
            case "DELETE":
                try state.deleteMember(uuid: parts[1])
                return (204, nil)
            default: throw .methodNotAllowed(method)
            }
        case ("members", 3) where parts[2] == "scoped_api_keys":
            guard method == "GET" else { throw .methodNotAllowed(method) }
            guard state.member(uuid: parts[1]) != nil else { throw .notFound }
            let keys = state.personalAPIKeys(userUUID: parts[1])
            let weekAgo = state.now() - 7 * 86_400
            return (
                200,
                .object([
                    "has_keys": .bool(!keys.isEmpty),
                    "has_keys_active_last_week": .bool(keys.contains { ($0.lastUsedAt ?? 0) >= weekAgo }),
                    // Only a label and the last use, no id: PostHog/posthog
                    // `posthog/models/organization.py`, `OrganizationMembership.get_scoped_api_keys`
                    // (`{"name": key.label, "last_used_at": key.last_used_at}`).
                    "keys": .array(
                        keys.map { .object(["name": .string($0.label), "last_used_at": timestamp($0.lastUsedAt)]) }
                    ),
                ])
            )
        default:
            throw .notFound
        }
    }

    // MARK: - Helpers

    /// `GET /members/` filters, as PostHog/posthog `posthog/api/organization_member.py` applies
    /// them: `email` is exact and case-sensitive (`user__email=`), so `?email=ada@example.com`
    /// misses an account stored as `Ada@Example.com`; `search` matches names and addresses
    /// case-insensitively (PostHog: trigram word similarity, here a substring; more than 200
    /// characters is a 400); `order` is `joined_at` or `-joined_at`.
    private static func filteredMembers(
        _ request: FakeHTTPRequest, _ state: FakePostHogState
    ) throws(FakePostHogError) -> [FakePostHogState.Member] {
        var found = state.members
        if let email = request.queryValue("email") {
            found = found.filter { $0.user.email == email }
        }
        if let raw = request.queryValue("search"), raw.count > 200 {
            throw .validation("Search query must be 200 characters or fewer.", attr: "search")
        }
        if let search = request.queryValue("search")?.trimmingCharacters(in: .whitespaces).lowercased(),
            !search.isEmpty
        {
            found = found.filter { member in
                [member.user.email, member.user.firstName, member.user.lastName].contains {
                    $0.lowercased().contains(search)
                }
            }
        }
        if request.queryValue("order") == "-joined_at" { found.reverse() }
        return found
    }

    /// The request's JSON body (`{}` when empty).
    private static func json(_ request: FakeHTTPRequest) throws(FakePostHogError) -> JSONValue {
        guard !request.body.isEmpty else { return .object([:]) }
        guard let value = try? JSONParser().parse(request.body) else {
            throw FakePostHogError(
                status: 400,
                type: "validation_error",
                code: "parse_error",
                detail: "JSON parse error."
            )
        }
        return value
    }

    /// A `{count, next, previous, results}` page of `items`; the first page also carries the raw
    /// records seeded for `listing` (``FakePostHogState/addRawRecord(_:to:)``), counted in `count`.
    private static func list<Item>(
        _ items: [Item],
        _ request: FakeHTTPRequest,
        _ state: FakePostHogState,
        raw listing: FakePostHogState.Listing,
        render: (Item) -> JSONValue
    ) throws(FakePostHogError) -> JSONValue {
        let page = try state.page(items, limit: request.queryValue("limit"), offset: request.queryValue("offset"))
        let raw = state.rawRecords[listing] ?? []
        let next =
            page.offset + page.limit < items.count
            ? pageURL(request, limit: page.limit, offset: page.offset + page.limit) : nil
        let previous =
            page.offset > 0 ? pageURL(request, limit: page.limit, offset: max(0, page.offset - page.limit)) : nil
        return .object([
            "count": .number(String(items.count + raw.count)),
            "next": next.map(JSONValue.string) ?? .null,
            "previous": previous.map(JSONValue.string) ?? .null,
            "results": .array(page.items.map(render) + (page.offset == 0 ? raw : [])),
        ])
    }

    /// The absolute URL of another page: the request's path and other parameters, with `limit`
    /// and `offset` (left out at 0) last, form-encoded as Python's `urlencode` does.
    private static func pageURL(_ request: FakeHTTPRequest, limit: Int, offset: Int) -> String {
        var items = request.queryItems.filter { $0.name != "limit" && $0.name != "offset" }
        items.append(("limit", String(limit)))
        if offset > 0 { items.append(("offset", String(offset))) }
        let query = items.map { "\(formEncode($0.name))=\(formEncode($0.value))" }.joined(separator: "&")
        return "http://\(request.header("host") ?? "127.0.0.1")\(request.path)?\(query)"
    }

    private static func formEncode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: " "):
                out += "+"
            default:
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }

    // MARK: - Shapes

    static func timestamp(_ seconds: Int64?) -> JSONValue {
        seconds.map { .string(Date(timeIntervalSince1970: TimeInterval($0)).ISO8601Format()) } ?? .null
    }

    static func user(_ user: FakePostHogState.User) -> JSONValue {
        .object([
            "id": .number(String(user.id)),
            "uuid": .string(user.uuid),
            "distinct_id": .string("distinct-\(user.uuid)"),
            "first_name": .string(user.firstName),
            "last_name": .string(user.lastName),
            "email": .string(user.email),
            "is_email_verified": .bool(true),
        ])
    }

    static func member(_ member: FakePostHogState.Member) -> JSONValue {
        .object([
            "id": .string(member.id),
            "user": user(member.user),
            "level": .number(String(member.level)),
            "joined_at": timestamp(member.joinedAt),
            "updated_at": timestamp(member.updatedAt),
            "is_2fa_enabled": .bool(false),
            "has_social_auth": .bool(false),
            "last_login": .null,
        ])
    }

    static func project(_ project: FakePostHogState.Project, _ state: FakePostHogState) -> JSONValue {
        .object([
            "id": .number(String(project.id)),
            "uuid": .string(project.uuid),
            "organization": .string(state.organizationID),
            "name": .string(project.name),
            // The deprecated flag only: new private projects show it `false` and carry an
            // access-control record instead.
            "access_control": .bool(project.legacyAccessControl),
            "created_at": timestamp(project.createdAt),
        ])
    }

    /// `GET /projects/{id}/access_controls/` (PostHog/posthog `ee/api/rbac/access_control.py`,
    /// `_get_access_controls`): the project's records and the levels it takes. The caller is
    /// the organization's owner, so it may edit them.
    static func accessControls(projectID: Int, _ state: FakePostHogState) -> JSONValue {
        .object([
            "access_controls": .array(
                state.accessControls(projectID: projectID).map(accessControl)
                    + (state.rawRecords[.accessControls(projectID: projectID)] ?? [])),
            "available_access_levels": .array(FakePostHogState.projectAccessLevels.map(JSONValue.string)),
            "default_access_level": .string("member"),
            "minimum_access_level": .string("none"),
            "maximum_access_level": .string("admin"),
            "user_access_level": .string("admin"),
            "user_can_edit_access_levels": .bool(true),
        ])
    }

    static func accessControl(_ record: FakePostHogState.AccessControl) -> JSONValue {
        .object([
            "access_level": .string(record.accessLevel),
            "resource": .string("project"),
            "resource_id": .string(String(record.projectID)),
            "organization_member": record.organizationMemberID.map(JSONValue.string) ?? .null,
            "role": .null,
            "created_by": .null,
            "created_at": timestamp(record.createdAt),
            "updated_at": timestamp(record.updatedAt),
        ])
    }

    static func invite(_ invite: FakePostHogState.Invite, _ state: FakePostHogState) -> JSONValue {
        .object([
            "id": .string(invite.id),
            "target_email": .string(invite.targetEmail),
            "first_name": .string(invite.firstName),
            "emailing_attempt_made": .bool(invite.emailingAttemptMade),
            "level": .number(String(invite.level)),
            "is_expired": .bool(invite.isExpired),
            "created_by": state.member(uuid: state.callerUUID).map { user($0.user) } ?? .null,
            "created_at": timestamp(invite.createdAt),
            "updated_at": timestamp(invite.createdAt),
            "message": invite.message.map(JSONValue.string) ?? .null,
            "private_project_access": .array(
                invite.privateProjectAccess.map {
                    .object([
                        "id": .number(String($0.projectID)),
                        "level": $0.legacyLevel.map { .number(String($0)) } ?? .string($0.level),
                    ])
                }
            ),
        ])
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
