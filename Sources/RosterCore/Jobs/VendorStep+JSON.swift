extension VendorStep {
    /// The step as stored in `job_steps.params`: the same document its `Codable` conformance
    /// writes (optional fields left out when absent, keys sorted), and reads back.
    ///
    /// The executor writes a plan for every job it starts; built as a ``JSONValue`` this costs a
    /// fraction of a Foundation `JSONEncoder` pass, which was 8 % of the executor's CPU.
    public var json: JSONValue {
        var object: [String: JSONValue] = ["vendor": .string(vendor), "action": .string(action.rawValue)]
        if let project { object["project"] = .string(project) }
        if let role { object["role"] = .string(role) }
        if let grants {
            object["grants"] = .array(
                grants.map { grant in
                    .object([
                        "vendor": .string(grant.vendor), "project": .string(grant.project), "role": .string(grant.role),
                    ])
                })
        }
        if let address { object["address"] = .number(String(address)) }
        return .object(object)
    }
}
