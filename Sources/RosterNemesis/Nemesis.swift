import Foundation
import Logging
import RosterKafka
import RosterPostgres
import RosterTesting

/// A seeded randomized nemesis against real `roster worker` processes (kafka-testing.md §6,
/// row 14): publishes a stream of HR events while killing workers, taking brokers down, moving
/// leaders, restarting and crashing Postgres and making the vendor fakes fail, slow down and
/// throttle; then heals everything, waits for quiet and checks the invariants
/// (``NemesisChecker``). Everything it does comes from ``NemesisPlan``, drawn from the seed.
///
/// Needs what `ops/test` exports (`ROSTER_TEST_PG_CTL`, `ROSTER_TEST_PG_DIR`, …) because it
/// restarts the server: run it alone on that server (`withFreshDatabase(exclusive: true)`).
public enum Nemesis {
    /// How a run is set up.
    public struct Options: Sendable {
        public var seed: UInt64
        public var durationSeconds: Int
        /// How long quiet may take after healing before the run fails.
        public var quietTimeout: Duration
        /// Where progress lines go.
        public var output: @Sendable (String) -> Void

        public init(
            seed: UInt64, durationSeconds: Int, quietTimeout: Duration = .seconds(240),
            output: @escaping @Sendable (String) -> Void = { print($0) }
        ) {
            self.seed = seed
            self.durationSeconds = durationSeconds
            self.quietTimeout = quietTimeout
            self.output = output
        }
    }

    /// Runs the nemesis against the (empty) database at `databaseURL` and returns its report;
    /// ``NemesisReport/passed`` says whether every invariant held.
    ///
    /// - Throws: When the environment cannot be set up (fakes, mock cluster, worker binary).
    public static func run(_ options: Options, databaseURL: String) async throws -> NemesisReport {
        let plan = NemesisPlan(seed: options.seed, durationSeconds: options.durationSeconds)
        let say = options.output
        say(plan.summary)
        let started = ContinuousClock.now
        let environment = try await NemesisEnvironment(databaseURL: databaseURL, plan: plan)
        let driver = NemesisDriver(plan: plan, environment: environment, say: say)
        do {
            for index in 0..<plan.workers { try environment.startWorker(index) }
            try await driver.play()
            say("nemesis: healing (\(Self.elapsed(since: started)))")
            await driver.heal()
            let quiet = await NemesisQuiet(
                environment: environment, databaseURL: databaseURL, plan: plan, say: say
            ).wait(timeout: options.quietTimeout)
            say("nemesis: \(quiet.reached ? "quiet" : "NOT quiet: \(quiet.detail)") (\(Self.elapsed(since: started)))")
            await environment.stopWorkers()
            var report = try await NemesisChecker(environment: environment, databaseURL: databaseURL, plan: plan)
                .check()
            report.duration = ContinuousClock.now - started
            report.faultsApplied = await driver.appliedCounts
            report.faultErrors = await driver.errors
            report.notes += await driver.selfExits
            if !quiet.reached {
                report.failures.insert(NemesisFailure(invariant: "quiet", employee: nil, message: quiet.detail), at: 0)
            }
            if !report.passed { report.workerLogs = environment.workerLogTails() }
            await environment.shutdown()
            return report
        } catch {
            say("nemesis: aborted: \(error)\n\(environment.workerLogTails())")
            await driver.heal()
            await environment.shutdown()
            throw error
        }
    }

    static func elapsed(since start: ContinuousClock.Instant) -> String {
        "\(Int(NemesisEnvironment.seconds(ContinuousClock.now - start))) s"
    }
}
