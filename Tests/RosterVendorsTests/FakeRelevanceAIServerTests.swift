import Foundation
import RosterCore
import RosterTesting
import RosterVendors
import Testing

/// Pins the fake Relevance AI server to the vendor's published behaviour, over raw HTTP, so that
/// a connector cannot pass against a fake that shares its misreading.
///
/// Sources checked (2026-12):
/// - the vendor's OpenAPI document served under `/latest/documentation`, as copied in
///   api-evangelist/relevance-ai `openapi/relevance-ai-auth-api-openapi.yml`: `ListUsersOutput`
///   (`permissions.projects[<id>].{items, role_context}`, `permissions.organizations`,
///   `permissions.administrator`; `has_more` "computed before FGA filtering … absent = no
///   further pages"), `ListUsersInput.user_filters`, `ListProjectInvitesOutput` (`_id`
///   required, no `invite_code`), `DeleteProjectInviteInput` (`invite_code` required),
///   `UpdateOrganizationUserPermissionsInput` (`admin` required, `role` admin|operator|viewer),
///   and the project role enum admin|editor|operator|viewer|chat;
/// - RelevanceAI/relevance-docs `enterprise/manage-projects-and-users-api.mdx` (invite actions,
///   delete by `invite_code`), `admin/project-management/remove-members.mdx` (leaving an
///   organisation = leaving every project; an organisation admin must first be made a member),
///   `enterprise/rbac.mdx` (the five project roles; new organisation members are viewers).
///
/// Not settled by any of them, so switchable in the fake: whether a listed invite's `_id` is its
/// `invite_code` (``FakeRelevanceAIState/Options/InviteIDs``) and what removing an organisation
/// admin from a project answers (``FakeRelevanceAIState/Options/OrganizationAdminRemoval``).
@Suite struct FakeRelevanceAIServerTests {
    /// Sends `body` to `path` (under `/latest`) with the header naming `project`, and parses
    /// the answer.
    func call(
        _ fake: FakeRelevanceAIServer,
        _ path: String,
        project: String,
        _ body: String = "{}"
    ) async throws -> (status: Int, json: JSONValue) {
        let raw = HTTPVendorTransport(
            configuration: .init(baseURL: fake.baseURL!.absoluteString, authentication: .none))
        let request = VendorRequest(
            .post,
            path,
            body: Array(body.utf8),
            headers: ["Authorization": "\(project):\(fake.apiKey)"]
        )
        let response = try await raw.send(request)
        return (response.status, try JSONParser().parse(response.body))
    }

    @Test func aUserPageCanBeEmptyWhileHasMoreIsTrue() async throws {
        try await withFakeRelevance { fake, _ in
            let leaver = fake.addProject(name: "leaver")
            let other = fake.addProject(name: "other")
            for index in 1...30 { fake.addMember(email: "d\(index)lf@example.com", projectID: other.id) }
            fake.addMember(email: "lf@example.com", projectID: leaver.id)

            let first = try await call(fake, "/auth/users/list", project: leaver.id, #"{"page": 1, "page_size": 20}"#)
            #expect(first.status == 200)
            #expect(first.json["results"]?.arrayValue?.isEmpty == true, "permission filtering after paging")
            #expect(first.json["has_more"] == .bool(true), "computed before the filtering")
            let second = try await call(fake, "/auth/users/list", project: leaver.id, #"{"page": 2, "page_size": 20}"#)
            #expect(second.json["results"]?.arrayValue?.count == 1)
            #expect(second.json["has_more"] == nil, "absent: no further pages")

            // The search is a case-sensitive substring filter applied before paging.
            let search = #"{"page": 1, "page_size": 20, "user_filters": {"email_search": "lf@example.com"}}"#
            let searched = try await call(fake, "/auth/users/list", project: leaver.id, search)
            #expect(searched.json["results"]?.arrayValue?.isEmpty == true)
            #expect(searched.json["has_more"] == .bool(true))
        }
    }

    @Test func listedUsersCarryPermissionsPerProjectAndOrganisation() async throws {
        try await withFakeRelevance { fake, _ in
            let a = fake.addProject(name: "a")
            let b = fake.addProject(name: "b")
            let user = fake.addMember(email: "ada@example.com", projectID: a.id, action: "role:editor")
            fake.addMember(email: "ada@example.com", projectID: b.id, action: "role:chat")

            let listed = try await call(fake, "/auth/users/list", project: a.id)
            let record = try #require(listed.json["results"]?.arrayValue?.first)
            let permissions = try #require(record["permissions"])
            #expect(record["_id"] == .string(user.id))
            #expect(permissions["items"] == nil, "not permissions.items")
            let inA = permissions["projects"]?[a.id]
            #expect(inA?["items"]?["relevanceDefault"]?["actions"] == .object(["role:editor": .bool(true)]))
            #expect(inA?["role_context"]?["role"] == .string("editor"))
            #expect(inA?["role_context"]?["entity_type"] == .string("project"))
            #expect(permissions["projects"]?[b.id]?["role_context"]?["role"] == .string("chat"))
            let organization = permissions["organizations"]?[fake.organizationID]?["role_context"]
            #expect(organization?["role"] == .string("viewer"), "new organisation members are viewers")
            #expect(organization?["entity_type"] == .string("organization"))
        }
    }

    @Test func theFiveProjectRolesAreAcceptedAndNothingElse() async throws {
        try await withFakeRelevance { fake, _ in
            let a = fake.addProject(name: "a")
            for (index, action) in ["admin", "role:editor", "role:operator", "role:viewer", "role:chat"].enumerated() {
                let body =
                    #"{"email": "r\#(index)@example.com", "permissions": {"items": {"relevanceDefault": {"actions": {"\#(action)": true}}}}}"#
                let answer1 = try await call(fake, "/auth/invite/create", project: a.id, body)
                #expect(answer1.status == 200, "\(action)")
            }
            let wrong =
                #"{"email": "x@example.com", "permissions": {"items": {"relevanceDefault": {"actions": {"role:owner": true}}}}}"#
            let answer2 = try await call(fake, "/auth/invite/create", project: a.id, wrong)
            #expect(answer2.status == 400)
        }
    }

    @Test(arguments: [FakeRelevanceAIState.Options.InviteIDs.sameAsCode, .separate])
    func invitesAreListedByIDAndDeletedByInviteCode(ids: FakeRelevanceAIState.Options.InviteIDs) async throws {
        try await withFakeRelevance(options: .init(inviteIDs: ids)) { fake, _ in
            let a = fake.addProject(name: "a")
            let body =
                #"{"email": "new@example.com", "permissions": {"items": {"relevanceDefault": {"actions": {"role:viewer": true}}}}}"#
            let created = try await call(fake, "/auth/invite/create", project: a.id, body)
            let code = try #require(created.json["invite_code"]?.stringValue)

            let listed = try await call(fake, "/auth/invite/list", project: a.id)
            let record = try #require(listed.json["results"]?.arrayValue?.first)
            let id = try #require(record["_id"]?.stringValue)
            #expect(record["invite_code"] == nil, "the listing documents _id only")
            #expect(record["permissions"]?["role_context"]?["role"] == .string("viewer"))
            #expect((id == code) == (ids == .sameAsCode))

            let byID = try await call(fake, "/auth/invite/delete", project: a.id, #"{"invite_code": "\#(id)"}"#)
            if ids == .separate {
                #expect(byID.status == 404, "an _id that is not the code finds nothing")
                #expect(fake.invites(in: a.id).count == 1)
                let byCode = try await call(fake, "/auth/invite/delete", project: a.id, #"{"invite_code": "\#(code)"}"#)
                #expect(byCode.status == 200)
            } else {
                #expect(byID.status == 200)
            }
            #expect(fake.invites(in: a.id).isEmpty)
        }
    }

    @Test(arguments: [FakeRelevanceAIState.Options.OrganizationAdminRemoval.refused, .keepsAccess])
    func anOrganisationAdminKeepsAccessUntilMadeAMember(
        removal: FakeRelevanceAIState.Options.OrganizationAdminRemoval
    ) async throws {
        try await withFakeRelevance(options: .init(organizationAdminRemoval: removal)) { fake, _ in
            let a = fake.addProject(name: "a")
            let b = fake.addProject(name: "b")
            let admin = fake.addMember(email: "boss@example.com", projectID: a.id, action: "role:editor")
            fake.setOrganizationRole("admin", email: "boss@example.com")

            // An organisation admin sees every project, and is listed there.
            let inB = try await call(fake, "/auth/users/list", project: b.id)
            let record = try #require(inB.json["results"]?.arrayValue?.first)
            #expect(record["permissions"]?["projects"]?[b.id]?["role_context"]?["role"] == .string("admin"))
            #expect(
                record["permissions"]?["organizations"]?[fake.organizationID]?["role_context"]?["role"]
                    == .string("admin"))

            let removed = try await call(fake, "/auth/users/\(admin.id)/delete", project: a.id)
            if removal == .refused {
                #expect(removed.status == 400)
                #expect(removed.json["error_type"] == .string("organization_admin"))
            } else {
                #expect(removed.status == 200)
            }
            #expect(fake.accessibleProjects(of: "boss@example.com").count == 3, "still sees every project")

            // The documented body: admin (required) and role.
            let path = "/auth/organization/\(fake.organizationID)/user/\(admin.id)/update"
            let answer3 = try await call(fake, path, project: a.id, #"{"role": "operator"}"#)
            #expect(answer3.status == 400)
            let answer4 = try await call(fake, path, project: a.id, #"{"admin": false, "role": "member"}"#)
            #expect(answer4.status == 400)
            let other = "/auth/organization/org-elsewhere/user/\(admin.id)/update"
            let answer5 = try await call(fake, other, project: a.id, #"{"admin": false, "role": "operator"}"#)
            #expect(answer5.status == 403)
            let answer6 = try await call(fake, path, project: a.id, #"{"admin": false, "role": "operator"}"#)
            #expect(answer6.status == 200)
            #expect(fake.organizationRole(of: "boss@example.com") == "operator")

            let expected = removal == .refused ? [a.id] : []
            #expect(fake.accessibleProjects(of: "boss@example.com") == expected, "a member sees only their projects")
            let listedInB = try await call(fake, "/auth/users/list", project: b.id)
            #expect(listedInB.json["results"]?.arrayValue?.isEmpty == true)
            if removal == .refused {
                let answer7 = try await call(fake, "/auth/users/\(admin.id)/delete", project: a.id)
                #expect(answer7.status == 200)
            }
            #expect(fake.traces(of: "boss@example.com") == (0, 0, 0))
            #expect(fake.user(email: "boss@example.com") != nil, "still an organisation user")
        }
    }

    @Test func anOwnerCannotBeDemoted() async throws {
        try await withFakeRelevance { fake, _ in
            let owner = fake.setOrganizationRole("owner", email: "owner@example.com")
            let path = "/auth/organization/\(fake.organizationID)/user/\(owner.id)/update"
            let answer8 = try await call(fake, path, project: fake.defaultProjectID, #"{"admin": false}"#)
            #expect(answer8.status == 400)
            #expect(fake.organizationRole(of: "owner@example.com") == "owner")
        }
    }

    @Test func rawRecordsJoinTheirListing() async throws {
        try await withFakeRelevance { fake, _ in
            let a = fake.addProject(name: "a")
            fake.addMember(email: "ok@example.com", projectID: a.id)
            fake.addRawRecord(.object(["_id": .string("u-odd"), "email": .number("42")]), to: .users(projectID: a.id))
            fake.addRawRecord(.object(["email": .string("x@example.com")]), to: .invites(projectID: a.id))
            let users = try await call(fake, "/auth/users/list", project: a.id)
            #expect(users.json["results"]?.arrayValue?.count == 2)
            let invites = try await call(fake, "/auth/invite/list", project: a.id)
            #expect(invites.json["results"]?.arrayValue?.count == 1)
        }
    }
}
