import Foundation
import RosterKafka
import RosterPostgres
import RosterTesting
import Synchronization
import Testing

/// A message position in the fixture's topic.
struct MessagePosition: Hashable, Sendable, CustomStringConvertible {
    var partition: Int32
    var offset: Int64

    var description: String { "[\(partition)]@\(offset)" }
}

/// Where every produced message landed, from the producer's delivery reports: position → the
/// event id in its value (`nil` when the value has none, e.g. malformed JSON).
///
/// The inbox keeps only an event's *first* position, so a second copy of an event id (fault
/// matrix row 12) can be placed only from here.
final class ProducedLedger: Sendable {
    private let entries = Mutex<[MessagePosition: String?]>([:])
    private let unplaced = Atomic<Int>(0)

    func record(_ report: KafkaDeliveryReport, value: Data) {
        guard let offset = report.offset else {
            // librdkafka may not know the offset of an idempotent producer's retried message.
            unplaced.add(1, ordering: .relaxed)
            return
        }
        let object = (try? JSONSerialization.jsonObject(with: value)) as? [String: Any]
        let id = object?["id"] as? String
        entries.withLock { $0[MessagePosition(partition: report.partition, offset: offset)] = .some(id) }
    }

    /// Delivered messages whose offset the report did not give.
    var unplacedCount: Int { unplaced.load(ordering: .relaxed) }

    /// The ledger's entries at the given positions, where it has one (an entry is `nil` when the
    /// value had no event id).
    func entries(at positions: [MessagePosition]) -> [MessagePosition: String?] {
        entries.withLock { entries in
            var found: [MessagePosition: String?] = [:]
            for position in positions {
                if let entry = entries[position] { found[position] = entry }
            }
            return found
        }
    }
}

/// Harness invariant 3 of the fault matrix (kafka-testing.md §6): **the group's committed offset
/// never runs ahead of Postgres.**
///
/// While running it samples, every `interval`: first the group's committed offsets (OffsetFetch,
/// by an observer that never joins the group), then Postgres. For every partition, every offset
/// below the committed one must be recorded: its event id in `events` (placed by the
/// ``ProducedLedger``, or by `events.partition/offset`), or its position in `dead_letters`.
/// Postgres only grows, so reading it *second* can miss a violation but never invent one. A
/// Postgres read that fails (server down) is retried with the same committed reading, for the
/// same reason. Positions once found recorded are not asked again.
///
/// A delivery report reaches the ledger only after the broker stored the message, so the worker
/// may commit past a message before the ledger can place it. Such a position, if Postgres does
/// not hold it by inbox position, is *deferred*: not flagged, and asked again at later samples
/// (against a later, larger Postgres: again it can miss, never invent). Positions still
/// unplaced at the end are reported as ``Report/unresolved`` and expected to be none.
///
/// Also counts *regressions* (a partition's committed offset moving backwards between samples):
/// a stale commit that the coordinator did not fence, or a deliberate rewind.
final class CommitInvariantMonitor: Sendable {
    struct Violation: Sendable, CustomStringConvertible {
        var position: MessagePosition
        var committed: Int64
        var description: String { "\(position) not recorded while committed offset was \(committed)" }
    }

    struct Report: Sendable, CustomStringConvertible {
        var samples = 0
        /// Samples whose committed-offset read failed (coordinator unreachable): skipped.
        var failedReads = 0
        var regressions = 0
        /// Offsets checked against Postgres (each once).
        var checkedOffsets = 0
        var violations: [Violation] = []
        /// Positions below the final committed offsets the ledger never placed and Postgres does not hold by position.
        var unresolved = 0
        var unplacedDeliveries = 0
        var description: String {
            "samples \(samples), failed reads \(failedReads), offsets checked \(checkedOffsets), regressions \(regressions), violations \(violations.count), unresolved \(unresolved)"
        }
    }

    private struct State {
        var report = Report()
        /// Per partition: every offset below it was found recorded.
        var verified: [Int32: Int64] = [:]
        var lastCommitted: [Int32: Int64] = [:]
        var flagged: Set<MessagePosition> = []
        var stopped = false
        var task: Task<Void, Never>?
    }

    private let fixture: IngestFixture
    private let observer: KafkaConsumer
    private let partitions: [KafkaTopicPartition]
    private let interval: Duration
    private let state = Mutex(State())

    private init(fixture: IngestFixture, observer: KafkaConsumer, partitions: [KafkaTopicPartition], interval: Duration)
    {
        self.fixture = fixture
        self.observer = observer
        self.partitions = partitions
        self.interval = interval
    }

    /// Starts sampling the fixture's group and topic.
    static func start(
        _ fixture: IngestFixture, interval: Duration = .milliseconds(200)
    ) async throws -> CommitInvariantMonitor {
        var configuration = fixture.cluster.consumerConfiguration(topic: fixture.topic, group: fixture.group)
        // After a whole-cluster outage the mock can leave a connection that looks up but never
        // answers; librdkafka gives up on it only after socket.timeout.ms (60 s by default), and
        // every read until then would fail. 6 s: above row 9's 3 s round trip.
        configuration.additional["socket.timeout.ms"] = "6000"
        let observer = try KafkaConsumer.observer(configuration: configuration, logger: fixture.logger)
        let ids = try await observer.partitions(topic: fixture.topic)
        let monitor = CommitInvariantMonitor(
            fixture: fixture, observer: observer,
            partitions: ids.map { KafkaTopicPartition(topic: fixture.topic, partition: $0) },
            interval: interval
        )
        let task = Task {
            while !monitor.state.withLock({ $0.stopped }) {
                _ = await monitor.sample()
                try? await Task.sleep(for: interval)
            }
        }
        monitor.state.withLock { $0.task = task }
        return monitor
    }

    /// Stops sampling, takes a final sample, and expects the invariant held: at least one sample
    /// and no violation.
    @discardableResult
    func stopAndCheck(sourceLocation: SourceLocation = #_sourceLocation) async -> Report {
        let task = state.withLock { state in
            state.stopped = true
            return state.task
        }
        await task?.value
        // The final state, once the group is reachable (bounded: only a broken test loops on).
        for _ in 0..<60 {
            if await sample() { break }
            try? await Task.sleep(for: .milliseconds(500))
        }
        await observer.close()
        var report = state.withLock { state in
            var report = state.report
            report.unresolved =
                state.lastCommitted.reduce(0) { $0 + Int(max(0, $1.value - (state.verified[$1.key] ?? 0))) }
                - state.flagged.count
            return report
        }
        report.unplacedDeliveries = fixture.ledger.unplacedCount
        print("commit invariant: \(report)")
        #expect(report.samples > 0, "the commit monitor took samples", sourceLocation: sourceLocation)
        #expect(
            report.violations.isEmpty, "commit ran ahead of Postgres: \(report.violations.prefix(10))",
            sourceLocation: sourceLocation
        )
        #expect(
            report.unresolved <= report.unplacedDeliveries, "every committed position was checked",
            sourceLocation: sourceLocation)
        return report
    }

    /// The group's committed offsets now (next offset to read, per partition), read directly.
    func committed() async throws -> [Int32: Int64] {
        Dictionary(
            try await observer.committed(partitions: partitions, timeout: .seconds(10)).map {
                ($0.partition, $0.offset)
            }, uniquingKeysWith: max)
    }

    /// One sample; `false` when the committed offsets could not be read or Postgres stayed down.
    private func sample() async -> Bool {
        // 1. Committed offsets FIRST.
        let committed: [Int32: Int64]
        do {
            let entries = try await observer.committed(partitions: partitions, timeout: .seconds(5))
            committed = Dictionary(entries.map { ($0.partition, $0.offset) }, uniquingKeysWith: max)
        } catch {
            state.withLock { $0.report.failedReads += 1 }
            return false
        }
        let ranges: [(partition: Int32, from: Int64, to: Int64)] = state.withLock { state in
            for (partition, offset) in committed {
                if let last = state.lastCommitted[partition], offset < last { state.report.regressions += 1 }
                state.lastCommitted[partition] = offset
            }
            return committed.sorted { $0.key < $1.key }.compactMap { partition, offset in
                let verified = state.verified[partition] ?? 0
                return offset > verified ? (partition, verified, offset) : nil
            }
        }
        guard !ranges.isEmpty else {
            state.withLock { $0.report.samples += 1 }
            return true
        }
        // 2. Postgres SECOND. While it is down, retry with the same reading (bounded).
        var found: (recorded: Set<MessagePosition>, placed: Set<MessagePosition>)?
        for _ in 0..<600 {
            if let result = try? await recordedPositions(ranges) {
                found = result
                break
            }
            try? await Task.sleep(for: .milliseconds(250))
        }
        guard let (recorded, placed) = found else {
            state.withLock { $0.report.failedReads += 1 }
            return false
        }
        state.withLock { state in
            state.report.samples += 1
            for range in ranges {
                var verified = range.from
                for offset in range.from..<range.to {
                    let position = MessagePosition(partition: range.partition, offset: offset)
                    if recorded.contains(position) {
                        if verified == offset { verified = offset + 1 }
                    } else if !placed.contains(position) {
                        continue  // Deferred: its delivery report has not reached the ledger yet.
                    } else if state.flagged.insert(position).inserted {
                        state.report.violations.append(Violation(position: position, committed: range.to))
                    }
                }
                state.report.checkedOffsets += Int(verified - range.from)
                state.verified[range.partition] = max(state.verified[range.partition] ?? 0, verified)
            }
        }
        return true
    }

    /// The positions in `ranges` that Postgres holds: by inbox position, by dead letter, or by the
    /// event id the ledger places there.
    /// Also returns which positions the ledger placed.
    private func recordedPositions(
        _ ranges: [(partition: Int32, from: Int64, to: Int64)]
    ) async throws -> (recorded: Set<MessagePosition>, placed: Set<MessagePosition>) {
        let (topic, parts, froms, tos) = (fixture.topic, ranges.map(\.partition), ranges.map(\.from), ranges.map(\.to))
        let rows = try await fixture.pool.query(
            """
            SELECT e.partition, e."offset" FROM events e
            JOIN unnest(\(parts)::int4[], \(froms)::int8[], \(tos)::int8[]) AS r(p, lo, hi)
              ON e.topic = \(topic) AND e.partition = r.p AND e."offset" >= r.lo AND e."offset" < r.hi
            UNION ALL
            SELECT d.partition, d."offset" FROM dead_letters d
            JOIN unnest(\(parts)::int4[], \(froms)::int8[], \(tos)::int8[]) AS r(p, lo, hi)
              ON d.topic = \(topic) AND d.partition = r.p AND d."offset" >= r.lo AND d."offset" < r.hi
            """
        ).rows
        var recorded = Set<MessagePosition>()
        for row in rows {
            recorded.insert(
                MessagePosition(partition: try row.decode(Int32.self, at: 0), offset: try row.decode(Int64.self, at: 1))
            )
        }
        let positions = ranges.flatMap { range in
            (range.from..<range.to).map { MessagePosition(partition: range.partition, offset: $0) }
        }
        let entries = fixture.ledger.entries(at: positions.filter { !recorded.contains($0) })
        let placed = entries.compactMapValues { $0 }
        if !placed.isEmpty {
            let ids = Array(Set(placed.values))
            let found = Set(
                try await fixture.pool.query("SELECT event_id FROM events WHERE event_id = ANY(\(ids)::text[])").rows
                    .map {
                        try $0.decode(String.self, at: 0)
                    }
            )
            for (position, id) in placed where found.contains(id) { recorded.insert(position) }
        }
        return (recorded, Set(entries.keys))
    }
}
