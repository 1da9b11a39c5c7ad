/// A JSON array decoded one element at a time: an element that does not decode as `Item` is
/// kept as an ``UnreadableRecord`` instead of failing the whole array.
///
/// Vendors' listings hold records Roster did not write (other admins, older versions of the
/// vendor's own code). One such record must not make a listing, and with it every step that
/// needs it, fail for everybody; the caller decides what a skipped record means for its step
/// (see ``UnreadableRecord/concerns(email:)``) and reports it (``VendorRecordSkips``).
public struct LenientList<Item: Decodable & Sendable & Hashable>: Decodable, Sendable, Hashable {
    /// The elements that decoded, in order.
    public var items: [Item]
    /// The elements that did not, in order.
    public var unreadable: [UnreadableRecord]

    public init(items: [Item], unreadable: [UnreadableRecord] = []) {
        self.items = items
        self.unreadable = unreadable
    }

    public init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        var items: [Item] = []
        var unreadable: [UnreadableRecord] = []
        while !container.isAtEnd {
            let position = container.currentIndex
            do {
                items.append(try container.decode(Item.self))
                continue
            } catch {
                var record: UnreadableRecord
                // A failed `decode` leaves the container on the element: read it again as a
                // record whose id and addresses are all that is looked at.
                if container.currentIndex != position {
                    record = UnreadableRecord()
                } else if try container.decodeNil() {
                    record = UnreadableRecord()
                } else {
                    record = try container.decode(UnreadableRecord.self)
                }
                record.position = position
                record.problem = DecodingErrorSummary.summary(of: error)
                unreadable.append(record)
            }
        }
        self.items = items
        self.unreadable = unreadable
    }
}

/// A listed record Roster could not decode: what can still be read of it (its id and the
/// addresses it names) and what was wrong, without the values.
///
/// The addresses are only for ``concerns(email:)``; ``description`` never shows them.
public struct UnreadableRecord: Decodable, Sendable, Hashable, CustomStringConvertible {
    /// The record's `id` (a string or a number), when it has one.
    public var id: String?
    /// Its position in the page.
    public var position: Int = 0
    /// The decoding problem: a coding path and a kind (`wrong type at private_project_access.0.level`).
    public var problem: String = ""
    /// Lowercased addresses found in `email`, `target_email` or `user.email`. Never logged.
    var emails: Set<String> = []

    public init(id: String? = nil, emails: Set<String> = []) {
        self.id = id
        self.emails = Set(emails.map { $0.lowercased() })
    }

    /// Whether this record names `email` (case-insensitively): then it may be the very record a
    /// step is about, and skipping it could leave access behind.
    public func concerns(email: String) -> Bool {
        emails.contains(email.lowercased())
    }

    public var description: String {
        "record \(id ?? "without an id") at position \(position) (\(problem))"
    }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// Never throws: whatever cannot be read is left out.
    public init(from decoder: any Decoder) throws {
        guard let container = try? decoder.container(keyedBy: Key.self) else { return }
        id = (try? container.decodeIfPresent(LenientID.self, forKey: Key(stringValue: "id")))?.value
        for key in ["email", "target_email"] {
            if let email = try? container.decodeIfPresent(String.self, forKey: Key(stringValue: key)) {
                emails.insert(email.lowercased())
            }
        }
        if let user = try? container.nestedContainer(keyedBy: Key.self, forKey: Key(stringValue: "user")),
            let email = try? user.decodeIfPresent(String.self, forKey: Key(stringValue: "email"))
        {
            emails.insert(email.lowercased())
        }
    }
}
