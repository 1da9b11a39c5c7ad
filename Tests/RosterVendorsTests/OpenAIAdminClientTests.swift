import Foundation
import RosterTesting
import RosterVendors
import Testing

/// The OpenAI client against the fake server, over real HTTP on loopback.
@Suite struct OpenAIAdminClientTests {
    @Test func pagesThroughMoreThanOneHundredProjects() async throws {
        try await withFakeOpenAI { fake, client in
            for index in 1...250 {
                fake.addProject(name: "project-\(index)")
            }
            let projects = try await client.listProjects()
            #expect(projects.count == 251)  // + the default project
            #expect(Set(projects.map(\.id)).count == 251)
            #expect(projects.last?.name == "project-250")

            let pages = fake.calls.calls("GET", path: "/v1/organization/projects")
            #expect(pages.count == 3)
            #expect(pages.allSatisfy { $0.query.contains("limit=100") })
            #expect(!pages[0].query.contains("after="))
            #expect(pages[1].query.contains("after=\(projects[99].id)"))
            #expect(pages[2].query.contains("after=\(projects[199].id)"))
            #expect(fake.calls.mutatingCalls.isEmpty)
        }
    }

    @Test func pageLevelListingReportsTheCursor() async throws {
        try await withFakeOpenAI { fake, client in
            for index in 1...4 { fake.addProject(name: "p\(index)") }
            let first = try await client.listProjectsPage(limit: 2)
            #expect(first.data.count == 2)
            #expect(first.hasMore)
            #expect(first.lastID == first.data.last?.id)
            let second = try await client.listProjectsPage(after: first.lastID, limit: 2)
            let third = try await client.listProjectsPage(after: second.lastID, limit: 2)
            #expect(second.hasMore)
            #expect(third.data.map(\.name) == ["p4"])
            #expect(!third.hasMore)
        }
    }

    @Test func createsFindsAndArchivesProjects() async throws {
        try await withFakeOpenAI { fake, client in
            let missing = try await client.findProject(named: "research-ai")
            #expect(missing == nil)
            let created = try await client.createProject(name: "research-ai")
            #expect(created.id.hasPrefix("proj_"))
            #expect(created.status == "active")
            #expect(created.createdAt != nil)
            let found = try await client.findProject(named: "research-ai")
            #expect(found?.id == created.id)

            let archived = try await client.archiveProject(id: created.id)
            #expect(archived.isArchived)
            #expect(archived.archivedAt != nil)
            let activeOnly = try await client.listProjects()
            #expect(activeOnly.contains { $0.id == created.id } == false)
            let withArchived = try await client.listProjects(includeArchived: true)
            #expect(withArchived.contains { $0.id == created.id })
            // An archived project is still found, so callers can tell "archived" from "missing"…
            let stillFound = try await client.findProject(named: "research-ai")
            #expect(stillFound?.isArchived == true)
            // …but an active one of the same name is preferred.
            let replacement = try await client.createProject(name: "research-ai")
            let preferred = try await client.findProject(named: "research-ai")
            #expect(preferred?.id == replacement.id)
            #expect(
                fake.calls.mutatingCalls.map(\.path) == [
                    "/v1/organization/projects",
                    "/v1/organization/projects/\(created.id)/archive",
                    "/v1/organization/projects",
                ])
        }
    }

    @Test func invitesWithProjectsAndWithAnEmptyList() async throws {
        try await withFakeOpenAI { fake, client in
            let research = try await client.createProject(name: "research-ai")
            let withProject = try await client.createInvite(
                email: "ada@example.com",
                role: "reader",
                projects: [.init(id: research.id, role: "member")]
            )
            #expect(withProject.id.hasPrefix("invite-"))
            #expect(withProject.isPending)
            #expect(withProject.projects == [.init(id: research.id, role: "member")])
            let noProjects = try await client.createInvite(email: "bob@example.com", role: "reader", projects: [])

            let bodies = fake.calls.calls("POST", path: "/v1/organization/invites").compactMap(\.body)
            #expect(bodies.count == 2)
            #expect(bodies[0].contains("\"projects\":[{"))
            #expect(bodies[1].contains("\"projects\":[]"))

            let ada = try fake.acceptInvite(email: "ada@example.com")
            let bob = try fake.acceptInvite(email: "Bob@Example.com")
            #expect(fake.members(of: research.id).map(\.userID) == [ada.id])
            // `projects: []` keeps the invitee out of the default project.
            #expect(fake.members(of: fake.defaultProjectID).isEmpty)
            let foundBob = try await client.findUser(email: "BOB@example.com")
            #expect(foundBob?.id == bob.id)

            let invites = try await client.listInvites()
            #expect(invites.map(\.status) == [.accepted, .accepted])
            let adasPending = try await client.pendingInvites(email: "ada@example.com")
            #expect(adasPending.isEmpty)
            #expect(noProjects.projects == [])
        }
    }

    @Test func anInviteWithoutProjectsJoinsTheDefaultProjectInTheFake() async throws {
        try await withFakeOpenAI { fake, _ in
            fake.addInvite(email: "eve@example.com", projects: nil)
            let eve = try fake.acceptInvite(email: "eve@example.com")
            #expect(fake.members(of: fake.defaultProjectID).map(\.userID) == [eve.id])
        }
    }

    @Test func findsUsersByEmailCaseInsensitively() async throws {
        try await withFakeOpenAI { fake, client in
            let ada = fake.addUser(email: "ada+roster@example.com", role: "owner")
            let bob = fake.addUser(email: "Bob@Example.com")
            fake.addUser(email: "carol@example.com")

            let found = try await client.listUsers(emails: ["ADA+roster@example.com", "bob@example.com"])
            #expect(Set(found.map(\.id)) == [ada.id, bob.id])
            #expect(found.first { $0.id == ada.id }?.role == "owner")
            let nobody = try await client.findUser(email: "nobody@example.com")
            #expect(nobody == nil)
            let everyone = try await client.listUsers()
            #expect(everyone.count == 3)

            let query = try #require(fake.calls.calls("GET", path: "/v1/organization/users").first?.query)
            #expect(query.contains("emails%5B%5D=ADA%2Broster%40example.com"))
            #expect(query.contains("emails%5B%5D=bob%40example.com"))

            let promoted = try await client.updateUserRole(id: bob.id, role: "owner")
            #expect(promoted.role == "owner")
        }
    }

    @Test func addsUpdatesAndRemovesProjectUsers() async throws {
        try await withFakeOpenAI { fake, client in
            let project = try await client.createProject(name: "research-ai")
            let ada = fake.addUser(email: "ada@example.com")

            let added = try await client.addProjectUser(projectID: project.id, userID: ada.id, role: "member")
            #expect(added.id == ada.id)
            #expect(added.role == "member")
            #expect(added.hasEmail("ADA@example.com"))
            let updated = try await client.updateProjectUser(projectID: project.id, userID: ada.id, role: "owner")
            #expect(updated.role == "owner")
            let roles = try await client.listProjectUsers(projectID: project.id).map(\.role)
            #expect(roles == ["owner"])

            let deletion = try await client.deleteProjectUser(projectID: project.id, userID: ada.id)
            #expect(deletion.deleted == true)
            #expect(deletion.id == ada.id)
            let remaining = try await client.listProjectUsers(projectID: project.id)
            #expect(remaining.isEmpty)

            let again = await expectVendorError {
                _ = try await client.deleteProjectUser(projectID: project.id, userID: ada.id)
            }
            #expect(again?.status == 404)
            #expect(again?.isAlreadyGone == true)
        }
    }

    @Test func listsKeysWithOwnersAndDeletesTheUsersKeys() async throws {
        try await withFakeOpenAI { fake, client in
            let project = try await client.createProject(name: "research-ai")
            let ada = fake.addUser(email: "ada@example.com")
            try fake.addProjectMember(projectID: project.id, userID: ada.id)
            let laptop = try fake.addAPIKey(projectID: project.id, name: "laptop", ownerUserID: ada.id)
            let ci = try fake.addAPIKey(projectID: project.id, name: "ci", ownerUserID: nil)

            let keys = try await client.listProjectAPIKeys(projectID: project.id)
            #expect(keys.map(\.id) == [laptop.id, ci.id])
            #expect(keys[0].isOwned(byUserID: ada.id))
            #expect(keys[0].owner?.user?.email == "ada@example.com")
            #expect(keys[1].owner?.type == .serviceAccount)
            #expect(
                fake.calls.calls("GET", path: "/v1/organization/projects/\(project.id)/api_keys").allSatisfy {
                    $0.query.contains("owner_project_access=any")
                })

            // Keys whose owner lost project access are still listed thanks to `any`.
            _ = try await client.deleteProjectUser(projectID: project.id, userID: ada.id)
            let afterRemoval = try await client.listProjectAPIKeys(projectID: project.id)
            #expect(afterRemoval.first { $0.id == laptop.id }?.ownerProjectAccess == "inactive")

            let serviceAccountKey = await expectVendorError {
                _ = try await client.deleteProjectAPIKey(projectID: project.id, keyID: ci.id)
            }
            #expect(serviceAccountKey?.status == 400)
            #expect(serviceAccountKey?.isRetryable == false)
            #expect(serviceAccountKey?.isAlreadyGone == false)

            let deleted = try await client.deleteProjectAPIKey(projectID: project.id, keyID: laptop.id)
            #expect(deleted.object == "organization.project.api_key.deleted")
            #expect(fake.apiKeys(in: project.id).map(\.id) == [ci.id])
            let repeated = await expectVendorError {
                _ = try await client.deleteProjectAPIKey(projectID: project.id, keyID: laptop.id)
            }
            #expect(repeated?.isAlreadyGone == true)
        }
    }

    @Test func repeatDeletesOfUsersAndInvitesAreAlreadyGone() async throws {
        try await withFakeOpenAI { fake, client in
            let ada = fake.addUser(email: "ada@example.com")
            let invite = try await client.createInvite(email: "bob@example.com", role: "reader", projects: [])
            let userDeletion = try await client.deleteUser(id: ada.id)
            #expect(userDeletion.deleted == true)
            let inviteDeletion = try await client.deleteInvite(id: invite.id)
            #expect(inviteDeletion.deleted == true)

            let user = await expectVendorError { _ = try await client.deleteUser(id: ada.id) }
            let again = await expectVendorError { _ = try await client.deleteInvite(id: invite.id) }
            for error in [user, again] {
                #expect(error?.status == 404)
                #expect(error?.isAlreadyGone == true)
                #expect(error?.isRetryable == false)
            }
            // A 404 on a read is a real failure, not "already gone".
            let read = await expectVendorError { _ = try await client.retrieveProject(id: "proj_missing") }
            #expect(read?.status == 404)
            #expect(read?.isAlreadyGone == false)
            #expect(read?.classification == .permanent)
        }
    }
}
