import Foundation
import RosterKafka
import RosterPostgres
import RosterTesting
import Testing

/// The fault matrix's checks that do not need sampling (kafka-testing.md §6, invariants 1, 2, 5).
extension IngestFixture {
    /// How long the group may take to commit everything once a fault healed (invariant 5). The
    /// reference bound is 2 × session timeout + 10 s (16 s here); 120 s covers a rejoin after a
    /// member vanished plus a 2-core machine busy with other builds. It only bounds a failure.
    static let livenessBound: Duration = .seconds(120)

    /// Invariants 1 and 2: every id in `eventIDs` is in the inbox exactly once with exactly one
    /// job, nothing else is, and `deadLetters` messages were parked. Returns the redeliveries
    /// the inbox absorbed (Σ deliveries − events), for the row to judge.
    @discardableResult
    func expectExactlyOnce(
        eventIDs: Set<String>, deadLetters: Int = 0, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> Int {
        let ids = Array(eventIDs)
        let row = try await pool.query(
            """
            SELECT (SELECT count(*) FROM events WHERE event_id = ANY(\(ids)::text[])),
                   (SELECT count(*) FROM events),
                   (SELECT count(*) FROM jobs),
                   (SELECT count(DISTINCT event_id) FROM jobs WHERE event_id = ANY(\(ids)::text[])),
                   (SELECT count(*) FROM dead_letters),
                   (SELECT coalesce(sum(deliveries - 1), 0)::int8 FROM events)
            """
        ).rows[0]
        let (known, events, jobs, distinctJobs, dead, redelivered) = (
            try row.decode(Int64.self, at: 0), try row.decode(Int64.self, at: 1), try row.decode(Int64.self, at: 2),
            try row.decode(Int64.self, at: 3), try row.decode(Int64.self, at: 4), try row.decode(Int64.self, at: 5)
        )
        #expect(known == ids.count, "no loss: every produced event id is recorded", sourceLocation: sourceLocation)
        #expect(events == ids.count, "nothing but the produced events is recorded", sourceLocation: sourceLocation)
        #expect(
            jobs == ids.count && distinctJobs == ids.count, "exactly one job per event id",
            sourceLocation: sourceLocation)
        #expect(dead == deadLetters, "dead letters", sourceLocation: sourceLocation)
        return Int(redelivered)
    }

    /// Waits until the inbox holds `events` events and `deadLetters` dead letters (no loss yet),
    /// with the fault matrix's generous bound.
    func waitForRecorded(events: Int, deadLetters: Int = 0) async throws {
        try await waitForCounts(events: events, deadLetters: deadLetters, timeout: Self.livenessBound)
    }

    /// Invariant 5: lag reaches 0 within ``livenessBound``.
    func expectLiveness() async throws {
        try await waitForDrain(timeout: Self.livenessBound)
    }

    /// How many times `text` appears in a worker's log.
    static func occurrences(of text: String, in process: RosterProcess) -> Int {
        process.output().components(separatedBy: text).count - 1
    }

    /// Stops a worker cleanly and expects exit code 0.
    static func stopCleanly(_ worker: RosterProcess, sourceLocation: SourceLocation = #_sourceLocation) async {
        worker.kill(SIGTERM)
        let status = await worker.waitForExit(timeout: .seconds(90))
        #expect(status == 0, "clean exit: \(worker.output().suffix(1500))", sourceLocation: sourceLocation)
    }
}

/// Event ids of `IngestFixture.events(range, prefix:)`.
func eventIDs(_ range: Range<Int>, prefix: String = "evt") -> Set<String> {
    Set(range.map { "\(prefix)-\($0)" })
}

/// A sample once it stops changing: taken a second apart until two agree (at most 30 s).
///
/// For committed offsets right after Postgres went away: a batch recorded just before the crash
/// may still commit its offsets afterwards, and on a saturated machine later than any fixed
/// pause. After that nothing can move them while Postgres is down.
func settled<Value: Equatable>(_ sample: () async throws -> Value) async throws -> Value {
    var last = try await sample()
    for _ in 0..<30 {
        try await Task.sleep(for: .seconds(1))
        let next = try await sample()
        if next == last { return next }
        last = next
    }
    return last
}
