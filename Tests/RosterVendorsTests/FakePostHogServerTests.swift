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

    func send(_ fake: FakePostHogServer, _ method: VendorRequest.Method, _ rest: String, body: String? = nil)
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
                privateProjectAccess: [.init(projectID: project.id, level: 8)]
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
                    + #""private_project_access":[{"id":\#(project.id),"level":1}]}"#
            )
            #expect(combined.status == 201)
            #expect(
                fake.invites(email: "ada@example.com").map(\.privateProjectAccess) == [
                    [.init(projectID: project.id, level: 1)]
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
                fake.setRateLimit(FakeRateLimit(requests: 1, per: .seconds(10)))
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
}
