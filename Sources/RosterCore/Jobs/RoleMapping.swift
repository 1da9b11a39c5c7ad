/// Translates the role a grant names into the role one vendor instance understands.
///
/// A grant's role may be a Roster role name (`viewer`, `member`, `editor`, `admin`, `owner`),
/// valid for every vendor, or a role in the vendor's own vocabulary (`Manager` for Confident AI,
/// `role:editor` for Relevance AI). Resolution, matching names case-insensitively:
///
/// 1. The instance's `roles:` override (``overrides``), whose value is used exactly as written.
/// 2. The default table for the vendor kind (``defaults(for:)``, README "Roles").
/// 3. The vendor's own vocabulary (``vocabulary(of:)``), spelled the vendor's way; PostHog's level
///    numbers (`1`, `8`, `15`) and Relevance AI's `role:editor`/`role:viewer` become their names.
/// 4. Relevance AI permission actions `role:<name>`, and any value of an override (a custom
///    Confident AI role, say), pass through unchanged.
///
/// Anything else is a ``PlanningError``. So is Confident AI's project `Owner`, which would
/// transfer the project's ownership; an override may still map a Roster role onto another role.
public struct RoleMapping: Sendable, Hashable {
    /// Vendor kinds, as configured.
    public typealias Kind = RosterConfiguration.Vendor.Kind

    /// Roster's own role names, weakest first.
    public static let rosterRoles = ["viewer", "member", "editor", "admin", "owner"]

    /// The vendor instance name, for messages.
    public let vendor: String
    /// The vendor kind whose vocabulary applies.
    public let kind: Kind
    /// The instance's `roles:` setting: Roster role (or any name) → vendor role.
    public let overrides: [String: String]

    /// - Parameters:
    ///   - vendor: The vendor instance name (`openai`), used in messages.
    ///   - kind: The vendor kind.
    ///   - overrides: The instance's `roles:` setting.
    public init(vendor: String, kind: Kind, overrides: [String: String] = [:]) {
        self.vendor = vendor
        self.kind = kind
        self.overrides = overrides
    }

    /// The mapping of one configured vendor instance.
    public init(vendor: String, configuration: RosterConfiguration.Vendor) {
        self.init(vendor: vendor, kind: configuration.kind, overrides: configuration.roles ?? [:])
    }

    // MARK: - Tables

    /// The roles Roster grants in a vendor of `kind`, weakest first, spelled the vendor's way.
    public static func vocabulary(of kind: Kind) -> [String] {
        switch kind {
        case .openai: ["member", "owner"]
        case .posthog: ["member", "admin", "owner"]
        case .confidentAI: ["Viewer", "Member", "Manager"]
        // Relevance AI's five project roles (RelevanceAI/relevance-docs enterprise/rbac.mdx).
        case .relevanceAI: ["chat", "viewer", "operator", "editor", "admin"]
        case .noop: rosterRoles
        }
    }

    /// The default translation of Roster role names for `kind` (README "Roles").
    public static func defaults(for kind: Kind) -> [String: String] {
        switch kind {
        case .openai:
            // OpenAI projects have two roles; nothing is read-only.
            ["viewer": "member", "member": "member", "editor": "member", "admin": "owner", "owner": "owner"]
        case .posthog:
            // Organization-wide levels; editing is what members do.
            ["viewer": "member", "member": "member", "editor": "member", "admin": "admin", "owner": "owner"]
        case .confidentAI:
            // The project Owner role is never granted (it transfers ownership): owner is refused.
            ["viewer": "Viewer", "member": "Member", "editor": "Member", "admin": "Manager"]
        case .relevanceAI:
            ["viewer": "viewer", "member": "editor", "editor": "editor", "admin": "admin", "owner": "admin"]
        case .noop:
            Dictionary(uniqueKeysWithValues: rosterRoles.map { ($0, $0) })
        }
    }

    /// Other spellings the vendor's own API accepts for a vocabulary role.
    static func aliases(for kind: Kind) -> [String: String] {
        switch kind {
        case .posthog: ["1": "member", "8": "admin", "15": "owner"]
        case .relevanceAI: ["role:viewer": "viewer", "role:editor": "editor"]
        case .openai, .confidentAI, .noop: [:]
        }
    }

    // MARK: - Resolution

    /// The vendor role for `role`.
    ///
    /// - Throws: ``PlanningError`` (``PlanningError/Code/unknownRole`` or
    ///   ``PlanningError/Code/refusedRole``) naming the roles that are known.
    public func vendorRole(for role: String) throws(PlanningError) -> String {
        let key = role.lowercased()
        if let value = overrides[role] ?? overrides.first(where: { $0.key.lowercased() == key })?.value {
            return value
        }
        if let mapped = Self.defaults(for: kind)[key] { return mapped }
        if let known = Self.vocabulary(of: kind).first(where: { $0.lowercased() == key }) { return known }
        if let known = Self.aliases(for: kind)[key] { return known }
        if kind == .relevanceAI, key.hasPrefix("role:"), key.count > 5 { return key }
        if let custom = overrides.values.first(where: { $0.lowercased() == key }) { return custom }
        if kind == .confidentAI, key == "owner" {
            throw PlanningError(
                code: .refusedRole,
                description: "role \(role) is not granted for vendor \(vendor): Confident AI's project Owner role "
                    + "transfers ownership; map it to another role under vendors.\(vendor).roles "
                    + "(known: \(knownRoles.joined(separator: ", ")))"
            )
        }
        throw PlanningError(
            code: .unknownRole,
            description: "role \(role) is not known for vendor \(vendor) "
                + "(known: \(knownRoles.joined(separator: ", ")))"
        )
    }

    /// Every role name ``vendorRole(for:)`` accepts, for messages: Roster roles and the vendor's
    /// vocabulary (once each, ignoring case), then overrides; `role:*` for Relevance AI.
    public var knownRoles: [String] {
        var seen = Set<String>()
        var names: [String] = []
        let candidates =
            Self.defaults(for: kind).keys.sorted() + Self.vocabulary(of: kind) + overrides.keys.sorted()
            + overrides.values.sorted()
        for name in candidates where seen.insert(name.lowercased()).inserted {
            names.append(name)
        }
        if kind == .relevanceAI { names.append("role:*") }
        return names
    }

    /// How much a vendor role grants, for choosing between two grants of one project: its place
    /// in ``vocabulary(of:)``, or `nil` for roles Roster cannot rank (custom roles, `role:*`).
    public func rank(of vendorRole: String) -> Int? {
        let key = vendorRole.lowercased()
        return Self.vocabulary(of: kind).firstIndex { $0.lowercased() == key }
    }
}
