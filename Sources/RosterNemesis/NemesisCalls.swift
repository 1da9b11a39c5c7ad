import Foundation
import RosterFakes

/// The creates and deletes a fake admitted and answered 2xx, read from its call log: invite
/// creations (with the address, what the invite grants and the id issued), invite deletions
/// and project creations. Parsing is the fakes' wire format (OpenAI's `POST
/// /organization/invites`; PostHog's `POST …/invites/` and `…/invites/bulk/`).
struct NemesisCalls {
    struct InviteCreate {
        var call: FakeCall
        var email: String
        /// The request item without the address: what the invite grants.
        var content: String
        var inviteID: String?
    }

    enum Mutation {
        case createInvite([InviteCreate])
        case deleteInvite(id: String, call: FakeCall)
        case createProject(name: String, call: FakeCall)
    }

    let vendor: String
    /// In arrival order.
    let mutations: [Mutation]

    init(vendor: String, log: FakeCallLog) {
        self.vendor = vendor
        var mutations: [Mutation] = []
        for call in log.calls where call.wasAdmitted && (200..<300).contains(call.status ?? 0) {
            let segments = call.path.split(separator: "/").map(String.init)
            let last = segments.last ?? ""
            switch (call.method, last) {
            case ("POST", "invites"), ("POST", "bulk"):
                mutations.append(.createInvite(Self.invites(call)))
            case ("DELETE", let id) where segments.dropLast().last == "invites":
                mutations.append(.deleteInvite(id: id, call: call))
            case ("POST", "projects"):
                let name = (Self.json(call.body) as? [String: Any])?["name"] as? String ?? "?"
                mutations.append(.createProject(name: name, call: call))
            default:
                break
            }
        }
        self.mutations = mutations
    }

    private static func invites(_ call: FakeCall) -> [InviteCreate] {
        let body = json(call.body)
        let items = (body as? [[String: Any]]) ?? [(body as? [String: Any]) ?? [:]]
        let response = json(call.responseBody)
        let issued = (response as? [[String: Any]]) ?? [(response as? [String: Any]) ?? [:]]
        var idByEmail: [String: String] = [:]
        for invite in issued {
            if let email = (invite["email"] ?? invite["target_email"]) as? String, let id = invite["id"] as? String {
                idByEmail[email.lowercased()] = id
            }
        }
        return items.compactMap { item in
            guard let email = ((item["email"] ?? item["target_email"]) as? String)?.lowercased() else { return nil }
            var rest = item
            for key in ["email", "target_email", "first_name", "message"] { rest.removeValue(forKey: key) }
            let data = (try? JSONSerialization.data(withJSONObject: rest, options: [.sortedKeys])) ?? Data()
            return InviteCreate(
                call: call, email: email, content: String(decoding: data, as: UTF8.self), inviteID: idByEmail[email])
        }
    }

    private static func json(_ text: String?) -> Any? {
        guard let data = text?.data(using: .utf8), !data.isEmpty else { return nil }
        return try? JSONSerialization.jsonObject(with: data)
    }
}
