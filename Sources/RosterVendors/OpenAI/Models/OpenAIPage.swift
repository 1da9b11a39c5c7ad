/// One page of a classic OpenAI list: `{object: "list", data, first_id, last_id, has_more}`.
///
/// Pass ``lastID`` as `after` to get the next page; stop when ``hasMore`` is `false`.
///
/// Items are decoded one by one: a record that does not decode is in ``unreadable``, not a
/// failure of the page (see ``LenientList``).
public struct OpenAIPage<Item: Sendable & Hashable & Codable>: Sendable, Hashable, Codable {
    /// The API object type, as OpenAI names it.
    public var object: String?
    /// The items on this page that decoded.
    public var data: [Item]
    /// The records on this page that did not.
    public var unreadable: [UnreadableRecord] = []
    /// The first item's id.
    public var firstID: String?
    /// The last item's id: pass it as `after` for the next page.
    public var lastID: String?
    /// Whether another page follows.
    public var hasMore: Bool

    public init(data: [Item], firstID: String? = nil, lastID: String? = nil, hasMore: Bool) {
        self.object = "list"
        self.data = data
        self.firstID = firstID
        self.lastID = lastID
        self.hasMore = hasMore
    }

    enum CodingKeys: String, CodingKey {
        case object, data
        case firstID = "first_id"
        case lastID = "last_id"
        case hasMore = "has_more"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        object = try container.decodeIfPresent(String.self, forKey: .object)
        let list = try container.decode(LenientList<Item>.self, forKey: .data)
        data = list.items
        unreadable = list.unreadable
        firstID = try container.decodeIfPresent(String.self, forKey: .firstID)
        lastID = try container.decodeIfPresent(String.self, forKey: .lastID)
        hasMore = try container.decodeIfPresent(Bool.self, forKey: .hasMore) ?? false
    }
}
