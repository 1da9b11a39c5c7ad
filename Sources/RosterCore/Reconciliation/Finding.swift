/// One difference between desired and actual access at one vendor. Carries vendor ids and
/// Roster's employee id only: never an address or a name.
public struct Finding: Sendable, Hashable, Codable, Comparable {
    /// What kind of difference it is.
    public var situation: Situation
    /// The configured vendor instance name where the difference was found.
    public var vendor: String
    /// The employee Roster knows the account as; `nil` for ``Situation/unknownAccount``.
    public var employeeID: String?
    /// What the finding is about, by vendor ids: `user_id`, `invite_id`, `key_id`, `project_id`,
    /// `project` (a project's name is configuration, not personal data), `role`, `wanted_role`.
    public var target: [String: String]
    /// A sentence a person can read, without personal data.
    public var detail: String
    /// Access the vendor's API cannot remove (residual): reported for a person to act on, never
    /// given to a job that would only fail to remove it again.
    public var isResidual: Bool

    /// A finding; `detail` and `target` must carry no personal data.
    public init(
        situation: Situation, vendor: String, employeeID: String?, target: [String: String], detail: String,
        isResidual: Bool = false
    ) {
        self.situation = situation
        self.vendor = vendor
        self.employeeID = employeeID
        self.target = target
        self.detail = detail
        self.isResidual = isResidual
    }

    /// Identifies the same difference across passes (first seen, last seen, resolved): the
    /// situation, vendor, employee and the target's ids, in a stable order.
    public var key: String {
        let ids = target.keys.sorted().filter { $0 != "role" && $0 != "wanted_role" }.map { "\($0)=\(target[$0]!)" }
        return ([situation.rawValue, vendor, employeeID ?? "-"] + ids).joined(separator: "|")
    }

    /// Orders by vendor, situation, employee id, then ``key``: the order findings are reported in.
    public static func < (lhs: Finding, rhs: Finding) -> Bool {
        (lhs.vendor, lhs.situation.rawValue, lhs.employeeID ?? "", lhs.key) < (
            rhs.vendor, rhs.situation.rawValue, rhs.employeeID ?? "", rhs.key
        )
    }
}
