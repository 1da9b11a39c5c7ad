import Foundation
import RosterTesting
import RosterVendors
import Testing

/// The fake PostHog server itself: wire details a client test would not reach.
@Suite struct FakePostHogServerTests {
    func raw(_ fake: FakePostHogServer, auth: VendorAuthentication? = nil) -> HTTPVendorTransport {
        HTTPVendorTransport(
            configuration: .init(
                baseURL: fake.baseURL!.absoluteString,
                authentication: auth ?? .bearer(fake.personalAPIKey)
            )
        )
    }

    func json(_ response: VendorResponse) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(response.body))
    }

    func object(_ response: VendorResponse) throws -> [String: Any] {
        try #require(try json(response) as? [String: Any])
    }

    func send(
        _ fake: FakePostHogServer, _ method: VendorRequest.Method, _ rest: String, body: String? = nil
    )
        async throws -> VendorResponse
    {
        try await raw(fake).send(VendorRequest(method, fake.apiPath(rest), body: body.map { Array($0.utf8) }))
    }

    @Test func authenticationFailuresUsePostHogsEnvelope() async throws {
        try await withPostHog { fake, _, _ in
            let missing = try await raw(fake, auth: VendorAuthentication.none).send(
                VendorRequest(.get, fake.apiPath("members/"))
            )
            #expect(missing.status == 401)
            let body = try object(missing)
            #expect(body.keys.sorted() == ["attr", "code", "detail", "type"])
            #expect(body["type"] as? String == "authentication_error")
            #expect(body["code"] as? String == "authentication_failed")
            #expect(body["attr"] is NSNull)

            let wrong = try await raw(fake, auth: .bearer("phx_nope")).send(
                VendorRequest(.get, fake.apiPath("members/"))
            )
            #expect(try object(wrong)["code"] as? String == "invalid_personal_api_key")
            #expect(fake.calls.map(\.outcome) == [.unauthorized, .unauthorized])
        }
    }

    @Test func trailingSlashIsOptionalAndAtCurrentResolves() async throws {
        try await withPostHog { fake, _, _ in
            let transport = raw(fake)
            for path in [fake.apiPath("members/"), fake.apiPath("members"), "/api/organizations/@current/members/"] {
                let response = try await transport.send(VendorRequest(.get, path))
                #expect(response.status == 200)
                #expect(try object(response)["count"] as? Int == 1)
            }
            let unknown = try await transport.send(VendorRequest(.get, "/api/organizations/someone-else/members/"))
            #expect(unknown.status == 404)
            let body = try object(unknown)
            #expect(body["type"] as? String == "invalid_request")
            #expect(body["code"] as? String == "not_found")
            #expect(body["detail"] as? String == "Not found.")
        }
    }

    @Test func bulkInvitesNeedAnArrayOfAtMostTwenty() async throws {
        try await withPostHog { fake, _, _ in
            let notArray = try await send(fake, .post, "invites/bulk/", body: #"{"target_email":"a@example.com"}"#)
            #expect(notArray.status == 400)
            #expect(try object(notArray)["code"] as? String == "max_length")

            let items = (0..<21).map { #"{"target_email":"p\#($0)@example.com"}"# }.joined(separator: ",")
            let tooMany = try await send(fake, .post, "invites/bulk/", body: "[\(items)]")
            #expect(tooMany.status == 400)
            #expect(try object(tooMany)["code"] as? String == "max_length")

            let ok = try await send(fake, .post, "invites/bulk", body: #"[{"target_email":"a@example.com","level":8}]"#)
            #expect(ok.status == 201)
            let created = try #require(try json(ok) as? [[String: Any]])
            #expect(created.first?["level"] as? Int == 8)
            #expect(created.first?["is_expired"] as? Bool == false)
        }
    }

    @Test func aNewInviteReplacesEveryEarlierOneForTheAddress() async throws {
        try await withPostHog { fake, _, _ in
            let project = fake.addProject(name: "secret", isPrivate: true)
            let expired = fake.addInvite(email: "ada@example.com", isExpired: true)
            let pending = fake.addInvite(
                email: "ada@example.com",
                level: 8,
                privateProjectAccess: [.init(projectID: project.id, level: "admin")]
            )

            let replaced = try await send(
                fake,
                .post,
                "invites/",
                body: #"{"target_email":"ada@example.com","level":1}"#
            )
            #expect(replaced.status == 201)
            let invites = fake.invites(email: "ada@example.com")
            #expect(invites.count == 1)
            #expect(![expired.id, pending.id].contains(invites[0].id))
            #expect(invites[0].level == 1)

            let combined = try await send(
                fake,
                .post,
                "invites/",
                body: #"{"target_email":"ada@example.com","level":1,"combine_pending_invites":true,"#
                    + #""private_project_access":[{"id":\#(project.id),"level":"member"}]}"#
            )
            #expect(combined.status == 201)
            #expect(
                fake.invites(email: "ada@example.com").map(\.privateProjectAccess) == [
                    [.init(projectID: project.id, level: "member")]
                ]
            )

            fake.addMember(email: "grace@example.com")
            let member = try await send(fake, .post, "invites/", body: #"{"target_email":"grace@example.com"}"#)
            #expect(member.status == 400)
            #expect(try object(member)["type"] as? String == "validation_error")
        }
    }

    @Test func membersAreAddressedByUserUUID() async throws {
        try await withPostHog { fake, _, _ in
            let ada = fake.addMember(email: "ada@example.com")
            let byMembershipID = try await send(fake, .patch, "members/\(ada.id)/", body: #"{"level":8}"#)
            #expect(byMembershipID.status == 404)

            let patched = try await send(fake, .patch, "members/\(ada.user.uuid)/", body: #"{"level":8}"#)
            #expect(patched.status == 200)
            #expect(fake.member(email: "ada@example.com")?.level == 8)

            let removed = try await send(fake, .delete, "members/\(ada.user.uuid)/")
            #expect(removed.status == 204)
            #expect(removed.body.isEmpty)
            #expect(try await send(fake, .delete, "members/\(ada.user.uuid)/").status == 404)

            let owner = try await send(fake, .delete, "members/\(fake.caller.user.uuid)/")
            #expect(owner.status == 400)
            #expect(try object(owner)["detail"] as? String == "Cannot leave the organization as its owner!")
        }
    }

    @Test func throttlingSaysWhenInTheDetailAndOptionallyTheHeader() async throws {
        for sendsRetryAfter in [true, false] {
            try await withPostHog(options: .init(sendsRetryAfter: sendsRetryAfter)) { fake, _, _ in
                // A long window: the second call is refused however slowly a busy machine sends it.
                fake.setRateLimit(FakeRateLimit(requests: 1, per: .seconds(600)))
                _ = try await send(fake, .get, "members/")
                let refused = try await send(fake, .get, "members/")
                #expect(refused.status == 429)
                let body = try object(refused)
                #expect(body["type"] as? String == "throttled_error")
                #expect(body["code"] as? String == "throttled")
                #expect((body["detail"] as? String)?.hasPrefix("Request was throttled. Expected available in ") == true)
                #expect((refused.headers["Retry-After"] != nil) == sendsRetryAfter)
                #expect(refused.headers.allSatisfy { !$0.name.lowercased().hasPrefix("x-ratelimit") })
            }
        }
    }

    // MARK: - Vendor fidelity (issue 13)

    /// PostHog/posthog `posthog/models/organization_invite.py` (`validate_private_project_access`:
    /// `id` an integer, `level` in `ACCESS_CONTROL_LEVELS_MEMBER`) and
    /// `posthog/rbac/user_access_control.py` (`ACCESS_CONTROL_LEVELS_MEMBER = ("none", "member",
    /// "admin")`): levels are strings and numbers are refused; invites stored before that carry
    /// numbers and are listed back as such.
    @Test func privateProjectAccessLevelsAreStringsValidatedLikePostHog() async throws {
        try await withPostHog { fake, _, _ in
            let project = fake.addProject(name: "secret", isPrivate: true)
            let ok = try await send(
                fake, .post, "invites/",
                body:
                    #"{"target_email":"ada@example.com","private_project_access":[{"id":\#(project.id),"level":"admin"}]}"#
            )
            #expect(ok.status == 201)
            let access = try #require(try object(ok)["private_project_access"] as? [[String: Any]])
            #expect(access.first?["level"] as? String == "admin")
            #expect(access.first?["id"] as? Int == project.id)

            for level in ["1", "8", #""owner""#, "null"] {
                let refused = try await send(
                    fake, .post, "invites/",
                    body:
                        #"{"target_email":"bo@example.com","private_project_access":[{"id":\#(project.id),"level":\#(level)}]}"#
                )
                #expect(refused.status == 400, "level \(level)")
                #expect(try object(refused)["detail"] as? String == #"The "level" field must be a valid access level."#)
            }
            let stringID = try await send(
                fake, .post, "invites/",
                body:
                    #"{"target_email":"bo@example.com","private_project_access":[{"id":"\#(project.id)","level":"member"}]}"#
            )
            #expect(stringID.status == 400)
            #expect(
                try await send(
                    fake, .post, "invites/",
                    body:
                        #"{"target_email":"bo@example.com","private_project_access":[{"id":\#(project.id),"level":"none"}]}"#
                ).status == 201)

            // An invite stored with an old number is listed back with it.
            fake.addInvite(email: "old@example.com", privateProjectAccess: [.init(projectID: project.id, level: 8)])
            let listed = try #require(try object(try await send(fake, .get, "invites/"))["results"] as? [[String: Any]])
            let levels = listed.compactMap { ($0["private_project_access"] as? [[String: Any]])?.first?["level"] }
            #expect(levels.contains { $0 as? Int == 8 })
            #expect(levels.contains { $0 as? String == "admin" })
        }
    }

    /// PostHog/posthog `posthog/api/organization_member.py` (`safely_get_queryset`:
    /// `queryset.filter(user__email=params["email"])`, exact and case-sensitive; `search` is a
    /// trigram word similarity over names and email, capped at 200 characters) and
    /// `posthog/api/organization_invite.py` (the member check is `user__email=` and the
    /// replacement `target_email=`, both exact; `validate_target_email` lowercases the domain only).
    @Test func memberEmailFilterIsExactAndCaseSensitiveWhileSearchIsNot() async throws {
        try await withPostHog { fake, _, _ in
            fake.addMember(email: "Mixed.Case@Example.com")
            func count(_ query: String) async throws -> Int? {
                try object(try await send(fake, .get, "members/?\(query)"))["count"] as? Int
            }
            #expect(try await count("email=mixed.case%40example.com") == 0)
            #expect(try await count("email=Mixed.Case%40Example.com") == 1)
            #expect(try await count("search=mixed.case%40example.com") == 1)
            #expect(try await count("search=MIXED.CASE") == 1)
            let long = String(repeating: "a", count: 201)
            #expect(try await send(fake, .get, "members/?search=\(long)").status == 400)

            // The member check is exact too: the lower-case address is not "already a member"…
            let lower = try await send(fake, .post, "invites/", body: #"{"target_email":"mixed.case@example.com"}"#)
            #expect(lower.status == 201)
            // …nor is this one: PostHog lowercases the invite's domain and compares with the
            // stored `Example.com` exactly. Only the stored address itself is refused.
            let domainCase = try await send(
                fake, .post, "invites/", body: #"{"target_email":"Mixed.Case@EXAMPLE.COM"}"#)
            #expect(domainCase.status == 201)
            #expect(fake.invites.contains { $0.targetEmail == "Mixed.Case@example.com" })
            fake.addMember(email: "Lower.Domain@example.com")
            let same = try await send(fake, .post, "invites/", body: #"{"target_email":"Lower.Domain@EXAMPLE.com"}"#)
            #expect(same.status == 400)

            // A new invite replaces only invites stored with exactly its address.
            fake.addInvite(email: "Ada@example.com")
            #expect(
                try await send(fake, .post, "invites/", body: #"{"target_email":"ada@example.com"}"#).status == 201)
            #expect(
                Set(fake.invites(email: "ada@example.com").map(\.targetEmail)) == [
                    "Ada@example.com", "ada@example.com",
                ])
            #expect(try await send(fake, .post, "invites/", body: #"{"target_email":"Ada@Example.COM"}"#).status == 201)
            #expect(
                fake.invites(email: "ada@example.com").map(\.targetEmail).sorted() == [
                    "Ada@example.com", "ada@example.com",
                ])
        }
    }

    /// PostHog/posthog `ee/api/rbac/access_control.py` (`AccessControlViewSetMixin` on the project
    /// viewset: `GET`/`PUT …/projects/{id}/access_controls/`, body `{access_level,
    /// organization_member}` with the membership id, `access_level: null` deletes and answers
    /// 204), `posthog/models/organization.py` (`organization_has_private_projects`: the deprecated
    /// `access_control` flag or a project-wide `"none"` record) and
    /// `posthog/models/organization_invite.py` (`use`: accepting makes each private project an
    /// access-control record with `resource: "project"`).
    @Test func privateProjectsAreAccessControlRecordsAndMembersGetAccessThroughThem() async throws {
        try await withPostHog { fake, _, _ in
            let secret = fake.addProject(name: "secret", isPrivate: true)
            let legacy = fake.addProject(name: "legacy", legacyPrivate: true)
            let open = fake.addProject(name: "open")
            #expect(fake.isPrivate(projectID: secret.id) && fake.isPrivate(projectID: legacy.id))
            #expect(!fake.isPrivate(projectID: open.id))

            let projects = try #require(
                try object(try await send(fake, .get, "projects/"))["results"] as? [[String: Any]])
            let flags = Dictionary(
                uniqueKeysWithValues: projects.map { ($0["name"] as! String, $0["access_control"] as! Bool) })
            #expect(flags["secret"] == false, "the new model does not set the deprecated flag")
            #expect(flags["legacy"] == true)

            let controls = try object(try await send(fake, .get, "projects/\(secret.id)/access_controls/"))
            let records = try #require(controls["access_controls"] as? [[String: Any]])
            #expect(records.count == 1)
            #expect(records.first?["access_level"] as? String == "none")
            #expect(records.first?["resource"] as? String == "project")
            #expect(records.first?["organization_member"] is NSNull)
            #expect(controls["available_access_levels"] as? [String] == ["none", "member", "admin"])

            let ada = fake.addMember(email: "ada@example.com")
            let put = try await send(
                fake, .put, "projects/\(secret.id)/access_controls/",
                body: #"{"access_level":"member","organization_member":"\#(ada.id)"}"#
            )
            #expect(put.status == 200)
            #expect(try object(put)["organization_member"] as? String == ada.id)
            #expect(fake.projectAccessLevel(projectID: secret.id, email: "ada@example.com") == "member")

            let byUserUUID = try await send(
                fake, .put, "projects/\(secret.id)/access_controls/",
                body: #"{"access_level":"member","organization_member":"\#(ada.user.uuid)"}"#
            )
            #expect(byUserUUID.status == 400, "the membership id, not the user's UUID")
            let badLevel = try await send(
                fake, .put, "projects/\(secret.id)/access_controls/",
                body: #"{"access_level":"owner","organization_member":"\#(ada.id)"}"#
            )
            #expect(badLevel.status == 400)

            let removed = try await send(
                fake, .put, "projects/\(secret.id)/access_controls/",
                body: #"{"access_level":null,"organization_member":"\#(ada.id)"}"#
            )
            #expect(removed.status == 204)
            #expect(fake.projectAccessLevel(projectID: secret.id, email: "ada@example.com") == nil)

            // Records go with the membership; accepting an invite creates them.
            fake.addInvite(email: "bo@example.com", privateProjectAccess: [.init(projectID: secret.id, level: "admin")])
            let bo = try fake.acceptInvite(email: "bo@example.com")
            #expect(fake.projectAccessLevel(projectID: secret.id, email: "bo@example.com") == "admin")
            #expect(try await send(fake, .delete, "members/\(bo.user.uuid)/").status == 204)
            #expect(fake.snapshot.accessControls(projectID: secret.id).count == 1)
            #expect(try await send(fake, .get, "projects/999999/access_controls/").status == 404)
        }
    }
}
