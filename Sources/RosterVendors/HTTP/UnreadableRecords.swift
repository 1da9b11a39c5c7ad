import CoreMetrics
import Logging
import Synchronization

/// A record of a vendor listing that Roster could not decode. It is skipped, not fatal to the
/// listing: one odd record (a new field type, a null where a string was) must not stop every
/// step that reads the listing. Skipped records are reported (``UnreadableRecords``) by id,
/// never by address.
public struct StepUnreadableRecord: Sendable, Hashable, CustomStringConvertible {
    /// The listing, as `METHOD path` (`POST /auth/users/list`).
    public var listing: String
    /// The record's id when it had a readable one (`_id`, `id` or `project_id`).
    public var id: String?
    /// What did not decode: the coding path and the kind of problem, never a value.
    public var reason: String
    /// The record's address, when readable: compared with a step's employee, never logged or shown.
    let email: String?
    /// The record's name, when readable (projects, roles): compared with the step's projects.
    let name: String?

    init(listing: String, id: String?, reason: String, email: String?, name: String?) {
        self.listing = listing
        self.id = id
        self.reason = reason
        self.email = email
        self.name = name
    }

    /// `POST /auth/users/list: record u-1 skipped (wrong type at results.3.email)`; no address.
    public var description: String { "\(listing): record \(id ?? "without an id") skipped (\(reason))" }

    /// Whether the record belongs to `email` (compared ignoring case) as far as it can be read.
    public func isFor(email other: String) -> Bool {
        email.map { $0.lowercased() == other.lowercased() } ?? false
    }
}

/// The unreadable records one step met, and what the step is about.
///
/// A client decodes listings leniently and hands the records it could not read to
/// ``admit(_:vendor:)``. A record that is *about the step* (its address is the employee's, or
/// its name is one of the step's projects) cannot be skipped: acting as if it were absent could
/// leave access behind or create a duplicate, so it is a permanent ``VendorError`` at once.
/// Every other record is kept for ``report(to:)``, which logs one warning per record (listing
/// and id, never an address) and gives the step's summary a count.
///
/// Each record is counted in `roster_vendor_records_skipped_total{vendor}`
/// (``VendorRecordSkips/metricName``) when a listing meets it, and the count is also in the
/// step's summary.
public final class UnreadableRecords: Sendable {
    /// The employee's address the step is about, if any.
    let email: String?
    /// Project names the step is about.
    let names: Set<String>
    private let records = Mutex<[StepUnreadableRecord]>([])

    /// - Parameters:
    ///   - email: The employee the step is about (`nil`: none).
    ///   - names: Project names the step is about.
    public init(email: String? = nil, names: Set<String> = []) {
        self.email = email
        self.names = names
    }

    /// Every record skipped so far, in the order met (each once).
    public var skipped: [StepUnreadableRecord] { records.withLock { $0 } }

    /// Takes the unreadable records of one listing.
    ///
    /// - Parameter counted: Whether to count them in `roster_vendor_records_skipped_total`:
    ///   `true` when the listing was just read, `false` for a directory listing read earlier
    ///   (counted by the load that met them).
    /// - Throws: A permanent ``VendorError/Code/decoding`` when one is about the step.
    func admit(_ found: [StepUnreadableRecord], vendor: String, counted: Bool = true) throws {
        guard !found.isEmpty else { return }
        if counted {
            // Counted once per listing that met them, in the same counter as every other vendor's.
            Counter(
                label: VendorRecordSkips.metricName, dimensions: [("vendor", vendor)],
                factory: VendorRecordSkips.factory ?? MetricsSystem.factory
            )
            .increment(by: found.count)
        }
        if let record = found.first(where: isAboutTheStep) {
            throw VendorError(
                code: .decoding,
                message: "\(record.listing): the record this step is about (\(record.id ?? "no readable id")) "
                    + "could not be read (\(record.reason)); Roster will not act as if it were absent",
                classification: .permanent,
                vendor: vendor
            )
        }
        records.withLock { known in
            for record in found where !known.contains(record) { known.append(record) }
        }
    }

    private func isAboutTheStep(_ record: StepUnreadableRecord) -> Bool {
        if let email, record.isFor(email: email) { return true }
        if let name = record.name, names.contains(name) { return true }
        return false
    }

    /// Logs one warning per skipped record (listing, id and reason; never an address).
    ///
    /// - Returns: A note for the step summary (`skipped 2 unreadable record(s)…`), or `nil`.
    @discardableResult
    public func report(to logger: Logger) -> String? {
        let skipped = self.skipped
        guard !skipped.isEmpty else { return nil }
        for record in skipped {
            logger.warning(
                "skipped an unreadable vendor record",
                metadata: [
                    "vendor.listing": "\(record.listing)",
                    "vendor.record_id": "\(record.id ?? "-")",
                    "vendor.reason": "\(record.reason)",
                ]
            )
        }
        let ids = skipped.map { $0.id ?? "?" }.prefix(5).joined(separator: ", ")
        let more = skipped.count > 5 ? ", …" : ""
        return "skipped \(skipped.count) unreadable record(s) not about this employee (\(ids)\(more))"
    }
}

/// A JSON array decoded element by element: elements that decode are kept, the others become
/// ``StepUnreadableRecord``s (with whatever id, address and name could be read from them).
struct StepLenientList<Element: Decodable>: Decodable {
    var elements: [Element] = []
    /// The records that did not decode (their ``StepUnreadableRecord/listing`` is empty until a
    /// client names it with ``unreadable(in:)``).
    private var failures: [StepUnreadableRecord] = []

    /// How many records the vendor sent, readable or not (for paging by page size).
    var rawCount: Int { elements.count + failures.count }

    init(_ elements: [Element] = []) {
        self.elements = elements
    }

    init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        while !container.isAtEnd {
            do {
                elements.append(try container.decode(Element.self))
            } catch {
                // A failed decode does not move the container on; the probe reads the same
                // element (it never fails) and moves on.
                let probe = try container.decode(RecordProbe.self)
                failures.append(
                    StepUnreadableRecord(
                        listing: "",
                        id: probe.id,
                        reason: DecodingErrorSummary.summary(of: error),
                        email: probe.email,
                        name: probe.name
                    )
                )
            }
        }
    }

    /// The unreadable records, named as records of `listing`.
    func unreadable(in listing: String) -> [StepUnreadableRecord] {
        failures.map {
            var record = $0
            record.listing = listing
            return record
        }
    }
}

extension StepLenientList: Sendable where Element: Sendable {}

/// Whatever can be read of a record that did not decode: never fails.
private struct RecordProbe: Decodable {
    var id: String?
    var email: String?
    var name: String?

    private enum CodingKeys: String, CodingKey {
        case mongoID = "_id"
        case id
        case projectID = "project_id"
        case email, name
    }

    init(from decoder: any Decoder) throws {
        guard let container = try? decoder.container(keyedBy: CodingKeys.self) else { return }
        id =
            (try? container.decodeIfPresent(LenientID.self, forKey: .mongoID))?.value
            ?? (try? container.decodeIfPresent(LenientID.self, forKey: .id))?.value
            ?? (try? container.decodeIfPresent(LenientID.self, forKey: .projectID))?.value
        email = try? container.decodeIfPresent(String.self, forKey: .email)
        name = try? container.decodeIfPresent(String.self, forKey: .name)
    }
}
