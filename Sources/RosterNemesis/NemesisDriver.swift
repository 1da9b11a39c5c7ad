import Foundation
import RosterKafka
import RosterTesting

/// Plays a ``NemesisPlan``: publishes each round and applies each fault at its offset from the
/// start (late when an earlier action of the same time line took long: the schedule fixes the
/// order, not the clock), then heals.
actor NemesisDriver {
    let plan: NemesisPlan
    let environment: NemesisEnvironment
    let say: @Sendable (String) -> Void
    /// Faults applied, by kind.
    private(set) var appliedCounts: [String: Int] = [:]
    /// Faults that could not be applied, as text.
    private(set) var errors: [String] = []
    /// Workers found ended at healing though every SIGKILL had been followed by a restart:
    /// they exited on their own (a Postgres or Kafka outage they did not ride out).
    private(set) var selfExits: [String] = []
    /// Message values sent, by event id, so a duplicate is the same bytes.
    private var payloads: [String: Data] = [:]
    private var postgresDown = false
    private var brokersDown = Set<Int32>()

    init(plan: NemesisPlan, environment: NemesisEnvironment, say: @escaping @Sendable (String) -> Void) {
        self.plan = plan
        self.environment = environment
        self.say = say
    }

    /// Publishing and faults run on two time lines from the same start: a round waiting for a
    /// broker to come back must not hold up the fault that brings it back.
    func play() async throws {
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.playRounds(from: start) }
            group.addTask { await self.playFaults(from: start) }
            try await group.waitForAll()
        }
    }

    private func playRounds(from start: ContinuousClock.Instant) async throws {
        var nextProgress = 30_000
        for round in plan.rounds {
            let due = start + .milliseconds(round.offsetMs)
            if due > ContinuousClock.now { try await Task.sleep(until: due) }
            if round.offsetMs >= nextProgress {
                say(
                    "nemesis: t+\(round.offsetMs / 1000)s, \(payloads.count) messages sent, \(environment.workersRunning()) workers up, \(appliedCounts.values.reduce(0, +)) faults applied"
                )
                nextProgress += 30_000
            }
            try await publish(round)
        }
    }

    private func playFaults(from start: ContinuousClock.Instant) async {
        for entry in plan.faults {
            let due = start + .milliseconds(entry.offsetMs)
            if due > ContinuousClock.now { try? await Task.sleep(until: due) }
            await apply(entry.fault)
        }
    }

    // MARK: - Publishing

    /// Sends one round and retries what failed until all of it is delivered (a broker may be
    /// down): the next round waits, so one employee's events keep their order.
    private func publish(_ round: NemesisPlan.Round) async throws {
        var pending: [KafkaProducerRecord] = []
        for event in round.events {
            let value: Data
            if event.label == .duplicate, let original = payloads[event.eventID] {
                value = original
            } else {
                value = event.payload(time: Date())
                payloads[event.eventID] = value
            }
            pending.append(KafkaProducerRecord(topic: environment.topic, key: Data(event.employee.utf8), value: value))
        }
        let deadline = ContinuousClock.now + .seconds(180)
        while !pending.isEmpty {
            let results = try await environment.producer.send(pending)
            pending = zip(pending, results).compactMap { record, result in
                if case .failure = result { return record }
                return nil
            }
            guard !pending.isEmpty else { return }
            guard ContinuousClock.now < deadline else {
                throw NemesisError("could not deliver \(pending.count) message(s) within 180 s")
            }
            try await Task.sleep(for: .milliseconds(500))
        }
    }

    // MARK: - Faults

    private func apply(_ fault: NemesisFault) async {
        do {
            switch fault {
            case .killWorker(let index):
                if let status = await environment.exitStatus(index) {
                    // Its scheduled restart starts it again.
                    selfExits.append(
                        "worker \(index) had exited on its own before a scheduled SIGKILL (status \(status))")
                } else {
                    await environment.killWorker(index)
                }
            case .restartWorker(let index):
                try environment.startWorker(index)
            case .brokerDown(let id):
                try environment.cluster.mock.setBrokerDown(id)
                brokersDown.insert(id)
            case .brokerUp(let id):
                try environment.cluster.mock.setBrokerUp(id)
                brokersDown.remove(id)
            case .moveLeader(let partition, let broker):
                try environment.cluster.mock.setPartitionLeader(
                    topic: environment.topic, partition: partition, broker: broker)
            case .postgresRestart:
                try await TestDatabase.restartServer()
            case .postgresCrash:
                postgresDown = true
                try await TestDatabase.crashServer()
            case .postgresStart:
                try await TestDatabase.startServer()
                postgresDown = false
            case .vendorErrors(let vendor, let status, let count):
                environment.fake(vendor).injectFaults(Array(repeating: .status(status), count: count))
            case .vendorThrottle(let vendor, let retryAfter, let count):
                environment.fake(vendor).injectFaults(
                    Array(repeating: .status(429, retryAfter: retryAfter), count: count))
            case .vendorLatency(let vendor, let milliseconds, let count):
                environment.fake(vendor).injectFaults(
                    Array(repeating: .delay(.milliseconds(milliseconds)), count: count))
            case .vendorTimeout(let vendor):
                environment.fake(vendor).injectFaults([.delay(.seconds(31))])
            }
            if !fault.isRecovery { appliedCounts[fault.kind, default: 0] += 1 }
        } catch {
            errors.append("\(fault): \(error)")
            say("nemesis: could not apply \(fault): \(error)")
        }
    }

    /// Everything back to health: no queued vendor faults, every broker up, Postgres up, every
    /// worker running.
    func heal() async {
        environment.openai.clearFaults()
        environment.posthog.clearFaults()
        for id in brokersDown { try? environment.cluster.mock.setBrokerUp(id) }
        brokersDown.removeAll()
        if postgresDown {
            for attempt in 1...5 {
                do {
                    try await TestDatabase.startServer()
                    postgresDown = false
                    break
                } catch {
                    say("nemesis: starting Postgres while healing (attempt \(attempt)): \(error)")
                    try? await Task.sleep(for: .seconds(2))
                }
            }
        }
        for index in 0..<plan.workers {
            if let status = await environment.exitStatus(index) {
                selfExits.append("worker \(index) had exited on its own (status \(status))")
            }
            do { try environment.startWorker(index) } catch {
                errors.append("restart worker \(index) while healing: \(error)")
            }
        }
    }
}

/// A nemesis setup or run problem, said plainly.
public struct NemesisError: Error, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
