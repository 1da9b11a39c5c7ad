/// One page of a PostHog list: `{count, next, previous, results}`, where `next` and `previous`
/// are absolute URLs (or `null`) to follow verbatim.
///
/// A bare JSON array is accepted as a single, last page, for endpoints that are not paginated.
public struct PostHogPage<Item: Sendable & Hashable & Decodable>: Sendable, Hashable, Decodable {
    /// The total number of items across all pages, when PostHog sent it.
    public var count: Int?
    /// The next page's URL, or `nil` on the last page.
    public var next: String?
    /// The previous page's URL.
    public var previous: String?
    /// The items on this page.
    public var results: [Item]

    public init(count: Int? = nil, next: String? = nil, previous: String? = nil, results: [Item]) {
        self.count = count
        self.next = next
        self.previous = previous
        self.results = results
    }

    enum CodingKeys: String, CodingKey {
        case count, next, previous, results
    }

    public init(from decoder: any Decoder) throws {
        if let items = try? decoder.singleValueContainer().decode([Item].self) {
            self = PostHogPage(count: items.count, results: items)
            return
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        count = try container.decodeIfPresent(Int.self, forKey: .count)
        next = try container.decodeIfPresent(String.self, forKey: .next)
        previous = try container.decodeIfPresent(String.self, forKey: .previous)
        results = try container.decode([Item].self, forKey: .results)
    }
}
