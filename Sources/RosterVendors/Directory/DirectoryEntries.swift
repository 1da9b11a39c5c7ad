/// What a directory keeps of one listing read with a ``StepLenientList``: the records that
/// decoded, and those that did not (by id, address and name, for each step to judge).
///
/// A directory listing is loaded once for many steps, so the load cannot decide whether an
/// unreadable record is about *the* step: it keeps them, and each step hands them to its own
/// ``UnreadableRecords`` (``admitted(by:vendor:)``), which refuses to skip one about its
/// employee or project and names the others in its summary.
struct DirectoryEntries<Element: Sendable>: Sendable {
    /// The records that decoded, in the vendor's order.
    var items: [Element]
    /// The records that did not.
    var unreadable: [StepUnreadableRecord]

    init(items: [Element] = [], unreadable: [StepUnreadableRecord] = []) {
        self.items = items
        self.unreadable = unreadable
    }

    /// Loads a listing through a client whose unreadable records are collected rather than
    /// judged: `load` gets a fresh, step-less ``UnreadableRecords`` to read with.
    static func load(_ load: (UnreadableRecords) async throws -> [Element]) async throws -> DirectoryEntries {
        let collected = UnreadableRecords()
        let items = try await load(collected)
        return DirectoryEntries(items: items, unreadable: collected.skipped)
    }

    /// The items, once `records` (the step's) has judged the unreadable ones (counted already
    /// by the load that met them).
    ///
    /// - Throws: A permanent ``VendorError`` when an unreadable record is about the step.
    func admitted(by records: UnreadableRecords, vendor: String) throws -> [Element] {
        try records.admit(unreadable, vendor: vendor, counted: false)
        return items
    }
}
