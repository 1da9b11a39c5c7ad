import Foundation
import Logging
import RosterKafka
import RosterPostgres
import RosterTesting

/// Waits, after healing, until the system has settled: the worker group committed every
/// message (lag 0), every valid event is recorded and every invalid one dead-lettered, and no
/// job is queued, running or retrying. Polls states; the timeout is a generous guard, never a
/// measure of speed.
struct NemesisQuiet {
    let environment: NemesisEnvironment
    let databaseURL: String
    let plan: NemesisPlan
    let say: @Sendable (String) -> Void

    struct Outcome {
        var reached: Bool
        var detail: String
    }

    func wait(timeout: Duration) async -> Outcome {
        let logger = Logger(label: "roster.nemesis.quiet")
        let events = plan.allEvents
        let valid = Set(events.filter(\.isValid).map(\.eventID)).count
        let invalid = events.filter { !$0.isValid }.count
        let deadline = ContinuousClock.now + timeout
        var detail = "nothing observed yet"
        var nextReport = ContinuousClock.now + .seconds(30)
        let pool: PostgresPool
        let observer: KafkaConsumer
        do {
            pool = PostgresPool(
                configuration: try PostgresConfiguration(url: databaseURL), size: 1, acquireTimeout: .seconds(10),
                logger: logger)
            observer = try KafkaConsumer.observer(
                configuration: environment.cluster.consumerConfiguration(
                    topic: environment.topic, group: environment.group),
                logger: environment.cluster.logger)
        } catch {
            return Outcome(reached: false, detail: "cannot observe: \(error)")
        }
        defer { pool.close() }
        while ContinuousClock.now < deadline {
            do {
                let lag = try await observer.lag().reduce(Int64(0)) { $0 + max(0, $1.high - ($1.committed ?? 0)) }
                let counts = try await pool.query(
                    """
                    SELECT (SELECT count(*) FROM events)::int8, (SELECT count(*) FROM dead_letters)::int8,
                           (SELECT count(*) FROM jobs WHERE status IN ('queued', 'running', 'retrying'))::int8
                    """
                ).rows.first
                let recorded = try counts?.decode(Int64.self, at: 0) ?? -1
                let dead = try counts?.decode(Int64.self, at: 1) ?? -1
                let busy = try counts?.decode(Int64.self, at: 2) ?? -1
                detail =
                    "lag \(lag), events \(recorded)/\(valid), dead letters \(dead)/\(invalid), unfinished jobs \(busy)"
                if lag == 0, recorded >= valid, dead >= invalid, busy == 0 {
                    await observer.close()
                    return Outcome(reached: true, detail: detail)
                }
            } catch {
                detail = "last check failed: \(error)"
            }
            if ContinuousClock.now >= nextReport {
                say("nemesis: waiting for quiet: \(detail)")
                nextReport = ContinuousClock.now + .seconds(30)
            }
            try? await Task.sleep(for: .seconds(1))
        }
        await observer.close()
        return Outcome(reached: false, detail: "not quiet after \(timeout): \(detail)")
    }
}
