/// One page of a PostHog list: `{count, next, previous, results}`, where `next` and `previous`
/// are absolute URLs (or `null`) to follow verbatim.
///
/// A bare JSON array is accepted as a single, last page, for endpoints that are not paginated.
///
/// Results are decoded one by one: a record that does not decode is in ``unreadable``, not a
/// failure of the page (see ``LenientList``).
public struct PostHogPage<Item: Sendable & Hashable & Decodable>: Sendable, Hashable, Decodable {
    /// The total number of items across all pages, when PostHog sent it.
    public var count: Int?
    /// The next page's URL, or `nil` on the last page.
    public var next: String?
    /// The previous page's URL.
    public var previous: String?
    /// The items on this page that decoded.
    public var results: [Item]
    /// The records on this page that did not.
    public var unreadable: [UnreadableRecord]

    public init(
        count: Int? = nil, next: String? = nil, previous: String? = nil, results: [Item],
        unreadable: [UnreadableRecord] = []
    ) {
        self.count = count
        self.next = next
        self.previous = previous
        self.results = results
        self.unreadable = unreadable
    }

    enum CodingKeys: String, CodingKey {
        case count, next, previous, results
    }

    public init(from decoder: any Decoder) throws {
        if let list = try? decoder.singleValueContainer().decode(LenientList<Item>.self) {
            self = PostHogPage(
                count: list.items.count + list.unreadable.count, results: list.items, unreadable: list.unreadable)
            return
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        count = try container.decodeIfPresent(Int.self, forKey: .count)
        next = try container.decodeIfPresent(String.self, forKey: .next)
        previous = try container.decodeIfPresent(String.self, forKey: .previous)
        let list = try container.decode(LenientList<Item>.self, forKey: .results)
        results = list.items
        unreadable = list.unreadable
    }
}
