import Foundation
import RosterCore
import RosterTesting
import RosterVendors
import Testing

/// The Relevance AI client against the vendor's documented shapes (issue 13): paging on
/// `has_more` alone, the per-project permission document, all five roles, the organisation
/// role update, and listings that skip records they cannot read.
@Suite struct RelevanceAIClientFidelityTests {
    func client(_ fake: FakeRelevanceAIServer, unreadable: UnreadableRecords = UnreadableRecords()) -> RelevanceAIClient
    {
        var client = RelevanceAIClient(
            baseURL: fake.baseURL!.absoluteString,
            apiKey: fake.apiKey,
            requestTimeout: .seconds(10)
        )
        client.unreadable = unreadable
        return client
    }

    // MARK: - Paging (item 6)

    @Test func usersAfterAnEmptyPageAreFound() async throws {
        try await withFakeRelevance { fake, _ in
            let leaver = fake.addProject(name: "leaver")
            let other = fake.addProject(name: "other")
            // 150 organisation users whose addresses contain the leaver's, none in the project.
            for index in 1...150 { fake.addMember(email: "d\(index)lf@example.com", projectID: other.id) }
            fake.addMember(email: "lf@example.com", projectID: leaver.id)
            let client = client(fake)

            let found = try await client.findUser(email: "lf@example.com", project: leaver.id)
            #expect(found?.email == "lf@example.com")
            // Page 1 of the search is empty with has_more; page 2 holds the leaver.
            let searches = fake.calls.calls("POST", path: "/latest/auth/users/list")
            #expect(searches.count == 2)
            #expect(try await client.listUsers(project: leaver.id).map(\.email) == ["lf@example.com"])
        }
    }

    @Test func aListingThatNeverEndsFailsLoudly() async throws {
        let stub = StubTransport(status: 200, body: #"{"results": [], "has_more": true}"#)
        var client = RelevanceAIClient(transport: stub, apiKey: "k")
        client.maximumUserPages = 3
        let error = await expectVendorError { _ = try await client.listUsers(project: "p") }
        #expect(error?.vendorCode == "roster_page_limit")
        #expect(error?.classification == .permanent)
        #expect(error?.message.contains("has_more after 3 pages") == true)
        #expect(stub.requests.count == 3)
        #expect(RelevanceAIClient.defaultMaximumUserPages == 500)
    }

    @Test func anAbsentHasMoreEndsTheListing() async throws {
        let stub = StubTransport(status: 200, body: #"{"results": []}"#)
        #expect(try await RelevanceAIClient(transport: stub, apiKey: "k").listUsers(project: "p").isEmpty)
        #expect(stub.requests.count == 1)
    }

    // MARK: - Permissions and roles (item 9)

    @Test func theRoleIsReadFromTheProjectsPermissions() async throws {
        let body = """
            {"results": [{"_id": "u1", "email": "a@example.com", "type": "user", "permissions": {
              "projects": {
                "p1": {"items": {"relevanceDefault": {"actions": {"role:viewer": true, "role:editor": true}}},
                       "role_context": {"entity_type": "project", "role": "editor"}},
                "p2": {"items": {}, "role_context": {"entity_type": "project", "role": "operator", "is_inherited": true}},
                "p3": {"items": {"relevanceDefault": {"actions": {"role:chat": true}}}}
              },
              "organizations": {"org1": {"items": {}, "role_context": {"entity_type": "organization", "role": "admin"}}},
              "administrator": {"items": {}}
            }}]}
            """
        let users = try await RelevanceAIClient(transport: StubTransport(status: 200, body: body), apiKey: "k")
            .listUsers(project: "p1")
        let user = try #require(users.first)
        #expect(user.role(in: "p1") == .editor, "the strongest explicit action")
        #expect(user.role(in: "p2") == .operator, "role_context when no action is granted")
        #expect(user.role(in: "p3") == .chat)
        #expect(user.role(in: "p4") == nil)
        #expect(user.organizationRole(in: "org1") == "admin")
        #expect(user.organizationRole(in: "org2") == nil)
    }

    @Test func allFiveProjectRolesAreKnown() {
        #expect(
            RelevanceAIRole.all.map(\.action) == ["role:chat", "role:viewer", "role:operator", "role:editor", "admin"])
        for name in ["admin", "editor", "operator", "viewer", "chat"] {
            #expect(RelevanceAIRole(name: name.capitalized)?.name == name)
            #expect(RelevanceAIRole(contextRole: name)?.name == name)
        }
        #expect(RelevanceAIRole(name: "role:custom")?.action == "role:custom")
        #expect(RelevanceAIRole(name: "owner") == nil)
    }

    @Test func permissionsSentCarryItemsOnly() throws {
        var permissions = RelevanceAIPermissions(role: .operator)
        permissions.roleContext = .init(entityType: "project", role: "operator")
        let sent = String(decoding: try JSONEncoder().encode(permissions), as: UTF8.self)
        #expect(sent == #"{"items":{"relevanceDefault":{"actions":{"role:operator":true}}}}"#)
    }

    // MARK: - Organisation role (item 8)

    @Test func theOrganisationUpdateSendsTheDocumentedBody() async throws {
        let stub = StubTransport(status: 200, body: "{}")
        try await RelevanceAIClient(transport: stub, apiKey: "k").updateOrganizationUser(
            organizationID: "org 1",
            userID: "u/1",
            admin: false,
            role: "operator",
            project: "p"
        )
        let sent = try #require(stub.requests.first)
        #expect(sent.path == "/auth/organization/org%201/user/u%2F1/update")
        #expect(sent.headers["Authorization"] == "p:k")
        let body = try JSONParser().parse(sent.body ?? [])
        #expect(body == .object(["admin": .bool(false), "role": .string("operator")]))
    }

    // MARK: - Invites (item 7)

    @Test func anInviteListedByIDIsDeletedByThatID() async throws {
        try await withFakeRelevance(options: .init(inviteIDs: .separate)) { fake, _ in
            let a = fake.addProject(name: "a")
            let invite = fake.addInvite(email: "x@example.com", projectID: a.id)
            let listed = try #require(try await client(fake).listInvites(project: a.id).first)
            #expect(listed.id == invite.recordID && listed.inviteCode == nil && listed.code == invite.recordID)
            let error = await expectVendorError {
                try await client(fake).deleteInvite(code: listed.code, project: a.id)
            }
            #expect(error?.isAlreadyGone == true, "a 404 that proves nothing: the invite is still there")
            #expect(fake.invites(in: a.id).count == 1)
        }
    }

    // MARK: - Unreadable records (item 2)

    @Test func anUnreadableUserIsSkippedAndReported() async throws {
        try await withFakeRelevance { fake, _ in
            let a = fake.addProject(name: "a")
            fake.addMember(email: "ok@example.com", projectID: a.id)
            fake.addRawRecord(.object(["_id": .string("u-odd"), "email": .number("42")]), to: .users(projectID: a.id))
            let records = UnreadableRecords(email: "someone@example.com")
            let users = try await client(fake, unreadable: records).listUsers(project: a.id)
            #expect(users.map(\.email) == ["ok@example.com"])
            let skipped = try #require(records.skipped.first)
            #expect(records.skipped.count == 1)
            #expect(skipped.id == "u-odd")
            #expect(skipped.listing == "POST /auth/users/list")
            #expect(skipped.reason.contains("email"))
            #expect(!skipped.description.contains("@"))
        }
    }

    @Test func anUnreadableRecordAboutTheEmployeeIsAnError() async throws {
        try await withFakeRelevance { fake, _ in
            let a = fake.addProject(name: "a")
            fake.addRawRecord(
                .object([
                    "_id": .string("u-leaver"), "email": .string("Leaver@Example.com"), "permissions": .string("?"),
                ]),
                to: .users(projectID: a.id)
            )
            let records = UnreadableRecords(email: "leaver@example.com")
            let error = await expectVendorError {
                _ = try await client(fake, unreadable: records).listUsers(project: a.id)
            }
            #expect(error?.code == .decoding)
            #expect(error?.classification == .permanent)
            #expect(error?.message.contains("u-leaver") == true)
            #expect(error.map { "\($0)" }?.contains("@") == false)
        }
    }

    @Test func anUnreadableKeyOfTheUserIsAnError() async throws {
        let body = #"{"results": [{"_id": "k1", "label": "ci"}, {"label": "no id"}]}"#
        let client = RelevanceAIClient(transport: StubTransport(status: 200, body: body), apiKey: "k")
        let error = await expectVendorError { _ = try await client.listAPIKeys(userID: "u1", project: "p") }
        #expect(error?.classification == .permanent)
    }

    @Test func anUnreadableProjectNamedByTheStepIsAnErrorOtherwiseSkipped() async throws {
        try await withFakeRelevance { fake, _ in
            fake.addRawRecord(.object(["project_id": .number("7"), "name": .string("research")]), to: .projects)
            let other = UnreadableRecords(names: ["evals"])
            let projects = try await client(fake, unreadable: other).listProjects(project: fake.defaultProjectID)
            #expect(projects.map(\.name) == ["Default Project"])
            #expect(other.skipped.count == 1)
            let named = UnreadableRecords(names: ["research"])
            let error = await expectVendorError {
                _ = try await client(fake, unreadable: named).listProjects(project: fake.defaultProjectID)
            }
            #expect(error?.code == .decoding)
        }
    }
}
