import Foundation
import RosterCore
import Testing

@Suite struct RoleMappingTests {
    typealias Kind = RosterConfiguration.Vendor.Kind

    /// The README's table, row by row: Roster role → OpenAI, PostHog, Confident AI, Relevance AI.
    static let table: [(String, [Kind: String?])] = [
        ("viewer", [.openai: "member", .posthog: "member", .confidentAI: "Viewer", .relevanceAI: "viewer"]),
        ("member", [.openai: "member", .posthog: "member", .confidentAI: "Member", .relevanceAI: "editor"]),
        ("editor", [.openai: "member", .posthog: "member", .confidentAI: "Member", .relevanceAI: "editor"]),
        ("admin", [.openai: "owner", .posthog: "admin", .confidentAI: "Manager", .relevanceAI: "admin"]),
        ("owner", [.openai: "owner", .posthog: "owner", .confidentAI: nil, .relevanceAI: "admin"]),
    ]

    @Test func defaultTable() {
        for (role, row) in Self.table {
            for (kind, expected) in row {
                let mapped = try? RoleMapping(vendor: "v", kind: kind).vendorRole(for: role)
                #expect(mapped == expected, "\(role) for \(kind)")
            }
        }
    }

    @Test func everyDefaultLandsInTheVendorsVocabulary() {
        for kind in Kind.allCases {
            let vocabulary = Set(RoleMapping.vocabulary(of: kind))
            #expect(Set(RoleMapping.defaults(for: kind).values).isSubset(of: vocabulary), "\(kind)")
        }
    }

    @Test func vendorRolesPassThroughSpelledTheVendorsWay() throws {
        #expect(try RoleMapping(vendor: "c", kind: .confidentAI).vendorRole(for: "manager") == "Manager")
        #expect(try RoleMapping(vendor: "c", kind: .confidentAI).vendorRole(for: "Viewer") == "Viewer")
        #expect(try RoleMapping(vendor: "p", kind: .posthog).vendorRole(for: "15") == "owner")
        #expect(try RoleMapping(vendor: "p", kind: .posthog).vendorRole(for: "ADMIN") == "admin")
        #expect(try RoleMapping(vendor: "r", kind: .relevanceAI).vendorRole(for: "role:editor") == "editor")
        #expect(try RoleMapping(vendor: "r", kind: .relevanceAI).vendorRole(for: "role:Operator") == "role:operator")
        // All five Relevance AI project roles are known by name.
        for role in ["admin", "editor", "operator", "viewer", "chat"] {
            #expect(try RoleMapping(vendor: "r", kind: .relevanceAI).vendorRole(for: role.uppercased()) == role)
        }
        #expect(try RoleMapping(vendor: "o", kind: .openai).vendorRole(for: "Owner") == "owner")
    }

    @Test func overridesWinAndTheirValuesBecomeKnownRoles() throws {
        let mapping = RoleMapping(
            vendor: "confident",
            kind: .confidentAI,
            overrides: ["member": "Viewer", "analyst": "Data Analyst"]
        )
        #expect(try mapping.vendorRole(for: "member") == "Viewer")
        #expect(try mapping.vendorRole(for: "Analyst") == "Data Analyst")
        #expect(try mapping.vendorRole(for: "data analyst") == "Data Analyst")
        #expect(try mapping.vendorRole(for: "admin") == "Manager", "other defaults stay")
        #expect(mapping.rank(of: "Data Analyst") == nil)
        #expect(mapping.rank(of: "Manager")! > mapping.rank(of: "member")!)
    }

    @Test func unknownRolesSayWhatIsKnown() {
        let mapping = RoleMapping(vendor: "relevance", kind: .relevanceAI)
        #expect(throws: PlanningError.self) { try mapping.vendorRole(for: "role:") }
        #expect {
            try mapping.vendorRole(for: "boss")
        } throws: { error in
            (error as? PlanningError)?.description
                == "role boss is not known for vendor relevance "
                + "(known: admin, editor, member, owner, viewer, chat, operator, role:*)"
        }
        #expect(
            RoleMapping(vendor: "c", kind: .confidentAI).knownRoles == [
                "admin", "editor", "member", "viewer", "Manager",
            ]
        )
    }
}
