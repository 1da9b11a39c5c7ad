import Foundation
import RosterCore
import RosterTesting

/// Everything a nemesis run will do, drawn up front from the seed: the rounds of messages to
/// publish and the fault schedule, each at an offset from the run's start. The same seed and
/// duration give the same plan (``fingerprint``); only HR event times depend on the clock.
public struct NemesisPlan: Sendable, Hashable {
    /// Messages published together at `offsetMs` (at most one valid event per employee, so a
    /// retried delivery can never reorder one employee's events).
    public struct Round: Sendable, Hashable {
        public var offsetMs: Int
        public var events: [NemesisEvent]
    }

    /// A fault at `offsetMs` from the start.
    public struct Entry: Sendable, Hashable {
        public var offsetMs: Int
        public var fault: NemesisFault
    }

    public let seed: UInt64
    public let durationSeconds: Int
    public let workers: Int
    public let brokers: Int32
    public let partitions: Int32
    public let rounds: [Round]
    public let faults: [Entry]

    public static let vendors = ["openai", "posthog"]
    static let openAIProjects = ["nem-alpha", "nem-beta", "nem-gamma"]
    static let postHogProjects = ["nem-web", "nem-app"]

    /// Draws the plan for `seed` and `durationSeconds`.
    public init(seed: UInt64, durationSeconds: Int, workers: Int = 3, brokers: Int32 = 3, partitions: Int32 = 6) {
        self.seed = seed
        self.durationSeconds = durationSeconds
        self.workers = workers
        self.brokers = brokers
        self.partitions = partitions
        var events = SplitMix64(seed: seed)
        // Faults draw from their own stream, so the event stream does not depend on them.
        var faultStream = SplitMix64(seed: seed ^ 0xA5A5_5A5A_F00D_BEEF)
        rounds = Self.drawRounds(seed: seed, durationMs: durationSeconds * 1000, rng: &events)
        faults = Self.drawFaults(
            durationMs: durationSeconds * 1000, workers: workers, brokers: brokers, partitions: partitions,
            rng: &faultStream)
    }

    /// Every message in publishing order.
    public var allEvents: [NemesisEvent] { rounds.flatMap(\.events) }

    // MARK: - Events

    private enum Life {
        case new
        case active
        case left
    }

    private static func drawRounds(seed: UInt64, durationMs: Int, rng: inout SplitMix64) -> [Round] {
        let employees = (1...max(24, durationMs / 3000)).map { String(format: "N%04d", $0) }
        var life = [String: Life]()
        var sequence = [String: Int64]()
        var published: [NemesisEvent] = []
        var rounds: [Round] = []
        var counter = 0
        var invalidCounter = 0
        func nextID() -> String {
            counter += 1
            return "nem-\(seed)-\(counter)"
        }
        var offset = 0
        while offset < durationMs {
            var events: [NemesisEvent] = []
            var used = Set<String>()
            for _ in 0..<rng.int(in: 0...3) {
                let employee = rng.pick(employees)
                guard used.insert(employee).inserted else { continue }
                let seq = (sequence[employee] ?? 0) + 1
                sequence[employee] = seq
                let event: NemesisEvent
                switch life[employee] ?? .new {
                case .new:
                    event = NemesisEvent(
                        eventID: nextID(), employee: employee, label: .join, kind: .onboarding,
                        grants: drawGrants(&rng, nonEmpty: true), sequence: seq)
                    life[employee] = .active
                case .active:
                    if rng.chance(65) {
                        event = NemesisEvent(
                            eventID: nextID(), employee: employee, label: .move, kind: .changed,
                            grants: drawGrants(&rng, nonEmpty: false), sequence: seq)
                    } else {
                        event = NemesisEvent(
                            eventID: nextID(), employee: employee, label: .leave, kind: .offboarding, grants: [],
                            sequence: seq)
                        life[employee] = .left
                    }
                case .left:
                    if rng.chance(80) {
                        event = NemesisEvent(
                            eventID: nextID(), employee: employee, label: .rehire, kind: .onboarding,
                            grants: drawGrants(&rng, nonEmpty: true), sequence: seq)
                        life[employee] = .active
                    } else {
                        event = NemesisEvent(
                            eventID: nextID(), employee: employee, label: .leaverChange, kind: .changed,
                            grants: drawGrants(&rng, nonEmpty: true), sequence: seq)
                    }
                }
                events.append(event)
                published.append(event)
            }
            if !published.isEmpty, rng.chance(10) {
                var copy = rng.pick(published)
                copy.label = .duplicate
                events.append(copy)
            }
            if rng.chance(6) {
                invalidCounter += 1
                let label: NemesisEvent.Label = rng.chance(50) ? .malformedJSON : .unknownType
                events.append(
                    NemesisEvent(
                        eventID: nextID(), employee: "BAD\(invalidCounter)", label: label, kind: .onboarding,
                        grants: [AccessGrant(vendor: "openai", project: openAIProjects[0], role: "member")], sequence: 1
                    ))
            }
            if !events.isEmpty { rounds.append(Round(offsetMs: offset, events: events)) }
            offset += 500
        }
        return rounds
    }

    private static func drawGrants(_ rng: inout SplitMix64, nonEmpty: Bool) -> [AccessGrant] {
        var grants: [AccessGrant] = []
        for project in openAIProjects where rng.chance(35) {
            grants.append(AccessGrant(vendor: "openai", project: project, role: rng.chance(75) ? "member" : "owner"))
        }
        if rng.chance(50) {
            grants.append(
                AccessGrant(
                    vendor: "posthog", project: rng.pick(postHogProjects), role: rng.chance(75) ? "member" : "admin"))
        }
        if nonEmpty, grants.isEmpty {
            grants.append(AccessGrant(vendor: "openai", project: openAIProjects[0], role: "member"))
        }
        return grants.sorted()
    }

    // MARK: - Faults

    private static func drawFaults(
        durationMs: Int, workers: Int, brokers: Int32, partitions: Int32, rng: inout SplitMix64
    ) -> [Entry] {
        var entries: [Entry] = []
        var workerBackAt = Array(repeating: 0, count: workers)
        var brokerBackAt = 0
        var postgresBackAt = 0
        var t = 2000 + rng.next(below: 2000)
        while t < durationMs {
            let roll = rng.next(below: 100)
            let vendor = rng.pick(vendors)
            switch roll {
            case 0..<12 where workerBackAt.contains(where: { $0 <= t }):
                let index = rng.pick(workerBackAt.indices.filter { workerBackAt[$0] <= t })
                let back = t + rng.int(in: 300...4000)
                entries.append(Entry(offsetMs: t, fault: .killWorker(index)))
                entries.append(Entry(offsetMs: back, fault: .restartWorker(index)))
                workerBackAt[index] = back + 1
            case 12..<20 where brokerBackAt <= t:
                // Never the group coordinator (broker 1, see NemesisEnvironment). A 30-minute run
                // aborted inside the 2.0.2 mock (rdkafka_mock_cgrp.c:567, `!member->resp`: a
                // JoinGroup from a member whose previous one is still unanswered); a client
                // re-sending JoinGroup after losing its coordinator is the likeliest trigger.
                let broker = Int32(rng.int(in: 2...Int(brokers)))
                let back = t + rng.int(in: 1000...5000)
                entries.append(Entry(offsetMs: t, fault: .brokerDown(broker)))
                entries.append(Entry(offsetMs: back, fault: .brokerUp(broker)))
                brokerBackAt = back + 1
            case 20..<28:
                let partition = Int32(rng.next(below: Int(partitions)))
                entries.append(
                    Entry(
                        offsetMs: t,
                        fault: .moveLeader(partition: partition, broker: Int32(rng.int(in: 1...Int(brokers))))))
            case 28..<33 where postgresBackAt <= t:
                entries.append(Entry(offsetMs: t, fault: .postgresRestart))
                postgresBackAt = t + 3000
            case 33..<38 where postgresBackAt <= t:
                let back = t + rng.int(in: 1000...4000)
                entries.append(Entry(offsetMs: t, fault: .postgresCrash))
                entries.append(Entry(offsetMs: back, fault: .postgresStart))
                postgresBackAt = back + 3000
            case 60..<70:
                entries.append(
                    Entry(
                        offsetMs: t,
                        fault: .vendorThrottle(
                            vendor: vendor, retryAfter: rng.int(in: 1...3), count: rng.int(in: 1...3))))
            case 70..<80:
                entries.append(
                    Entry(
                        offsetMs: t, fault: .vendorThrottle(vendor: vendor, retryAfter: nil, count: rng.int(in: 1...3)))
                )
            case 80..<97:
                entries.append(
                    Entry(
                        offsetMs: t,
                        fault: .vendorLatency(
                            vendor: vendor, milliseconds: rng.int(in: 200...3000), count: rng.int(in: 1...5))))
            case 97..<100:
                entries.append(Entry(offsetMs: t, fault: .vendorTimeout(vendor: vendor)))
            default:
                // 38..<60, and a worker, broker or Postgres fault that would overlap its own recovery.
                entries.append(
                    Entry(
                        offsetMs: t,
                        fault: .vendorErrors(
                            vendor: vendor, status: rng.pick([500, 502, 503]), count: rng.int(in: 1...4))))
            }
            t += rng.int(in: 1500...5000)
        }
        // Stable: recoveries drawn later may fall before faults drawn earlier.
        return entries.enumerated().sorted { ($0.element.offsetMs, $0.offset) < ($1.element.offsetMs, $1.offset) }.map(
            \.element)
    }
}
