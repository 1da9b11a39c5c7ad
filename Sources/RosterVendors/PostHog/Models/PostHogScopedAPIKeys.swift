/// `GET /members/{user_uuid}/scoped_api_keys/`: whether a member has personal API keys.
public struct PostHogScopedAPIKeys: Sendable, Hashable, Decodable {
    /// Whether the member has any personal API key with access to this organization.
    public var hasKeys: Bool
    /// Whether any was used in the last week.
    public var hasKeysActiveLastWeek: Bool?
    /// How many keys were listed.
    public var keyCount: Int

    enum CodingKeys: String, CodingKey {
        case hasKeys = "has_keys"
        case hasKeysActiveLastWeek = "has_keys_active_last_week"
        case keys
    }

    public init(hasKeys: Bool, hasKeysActiveLastWeek: Bool?, keyCount: Int) {
        self.hasKeys = hasKeys
        self.hasKeysActiveLastWeek = hasKeysActiveLastWeek
        self.keyCount = keyCount
    }

    /// A listed key; its fields are not relied on.
    private struct AnyKey: Decodable {}

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let keys = (try? container.decodeIfPresent([AnyKey].self, forKey: .keys)) ?? []
        keyCount = keys.count
        hasKeys = try container.decodeIfPresent(Bool.self, forKey: .hasKeys) ?? !keys.isEmpty
        hasKeysActiveLastWeek = try? container.decodeIfPresent(Bool.self, forKey: .hasKeysActiveLastWeek)
    }
}
