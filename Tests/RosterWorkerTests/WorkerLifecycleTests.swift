import Logging
import ServiceLifecycle
import Synchronization
import Testing

@testable import RosterWorker

/// The parts a ``Worker`` is assembled from, as values in a real `ServiceGroup`: the shared
/// ``Prelude`` (its migrations), ``GatedService`` and ``ClosingService``. Proven by counts and
/// orderings, never by time.
@Suite(.timeLimit(.minutes(1)))
struct WorkerLifecycleTests {
    static let logger = Logger(label: "test.lifecycle")

    /// What happened, in order.
    final class Journal: Sendable {
        private let entries = Mutex<[String]>([])
        func record(_ entry: String) { entries.withLock { $0.append(entry) } }
        var all: [String] { entries.withLock { $0 } }
    }

    /// Runs until graceful shutdown, recording its start and stop.
    struct Recorder: Service {
        let name: String
        let journal: Journal
        func run() async throws {
            journal.record("start \(name)")
            try? await gracefulShutdown()
            journal.record("stop \(name)")
        }
    }

    static func group(_ services: [any Service]) -> ServiceGroup {
        ServiceGroup(
            configuration: .init(
                services: services.map { .init(service: $0, successTerminationBehavior: .gracefullyShutdownGroup) },
                gracefulShutdownSignals: [], cancellationSignals: [], logger: logger
            ))
    }

    /// Waits until `journal` holds `count` entries (the group's services start concurrently).
    static func until(_ journal: Journal, holds count: Int) async throws {
        while journal.all.count < count {
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    @Test func thePreludeRunsOnceBeforeEveryGatedServiceStarts() async throws {
        let journal = Journal()
        let runs = Atomic(0)
        let prelude = Prelude {
            runs.add(1, ordering: .relaxed)
            journal.record("migrated")
        }
        let group = Self.group(
            [prelude.runner]
                + (1...3).map { GatedService(prelude: prelude, service: Recorder(name: "s\($0)", journal: journal)) }
        )
        let running = Task { try await group.run() }
        try await Self.until(journal, holds: 4)
        await group.triggerGracefulShutdown()
        try await running.value
        #expect(runs.load(ordering: .relaxed) == 1)
        #expect(journal.all.first == "migrated")
        #expect(Set(journal.all.dropFirst().prefix(3)) == ["start s1", "start s2", "start s3"])
    }

    /// A SIGTERM while the worker waits for Postgres at start-up: every service waiting for the
    /// migrations returns quietly, the migrations stop last, and the group ends without an error
    /// (the process exits 0). The group stops its services one at a time, so the first waiter
    /// stops long before the others: its leaving must not cut the wait of the rest.
    @Test func aGracefulShutdownDuringThePreludeStopsEveryServiceQuietly() async throws {
        let journal = Journal()
        let prelude = Prelude {
            journal.record("waiting for Postgres")
            do {
                try await Task.sleep(for: .seconds(3600))
            } catch {
                journal.record("migrations stopped")
                throw error
            }
            journal.record("migrated")
        }
        let group = Self.group(
            [prelude.runner]
                + ["ops", "ingest", "executor"].map {
                    GatedService(prelude: prelude, service: Recorder(name: $0, journal: journal))
                }
        )
        let running = Task { try await group.run() }
        try await Self.until(journal, holds: 1)
        await group.triggerGracefulShutdown()
        try await running.value
        #expect(journal.all == ["waiting for Postgres", "migrations stopped"])
    }

    @Test func aFailedPreludeFailsTheGroupAndStartsNothing() async throws {
        struct Refused: Error {}
        let journal = Journal()
        let prelude = Prelude { throw Refused() }
        let group = Self.group([
            prelude.runner, GatedService(prelude: prelude, service: Recorder(name: "ingest", journal: journal)),
        ])
        await #expect(throws: Refused.self) { try await group.run() }
        #expect(journal.all.isEmpty)
    }

    /// A cancelled group (a service failed, or the shutdown ran out of time) leaves its resources
    /// open, since their users may still be stopping; the worker closes each once the group has
    /// returned, once only.
    @Test func aCancelledGroupLeavesItsResourcesToTheWorkerWhichClosesThemOnce() async throws {
        struct Failed: Error {}
        struct Failing: Service {
            func run() async throws { throw Failed() }
        }
        let journal = Journal()
        let pool = ClosingService("pool") { journal.record("closed pool") }
        let group = Self.group([pool, Recorder(name: "executor", journal: journal), Failing()])
        await #expect(throws: Failed.self) { try await group.run() }
        #expect(!journal.all.contains("closed pool"))
        await pool.close()
        await pool.close()
        #expect(journal.all.filter { $0 == "closed pool" }.count == 1)
    }

    /// The worker's order: resources first, then their users; a shutdown stops the users in
    /// reverse order, and each resource closes only after every service started after it returned.
    @Test func resourcesCloseInReverseOrderAfterTheirLastUser() async throws {
        let journal = Journal()
        let group = Self.group([
            ClosingService("pool") { journal.record("closed pool") },
            ClosingService("http client") { journal.record("closed http client") },
            Recorder(name: "ingest", journal: journal),
            Recorder(name: "executor", journal: journal),
        ])
        let running = Task { try await group.run() }
        try await Self.until(journal, holds: 2)
        await group.triggerGracefulShutdown()
        try await running.value
        #expect(journal.all.suffix(4) == ["stop executor", "stop ingest", "closed http client", "closed pool"])
    }

    /// `roster dev` nests a worker in its own group: the worker's inner group installs no signal
    /// handler and stops when the enclosing group shuts down.
    @Test func aNestedGroupStopsWithTheEnclosingOne() async throws {
        let journal = Journal()
        let inner = Self.group([
            ClosingService("pool") { journal.record("closed pool") }, Recorder(name: "ingest", journal: journal),
        ])
        let outer = Self.group([inner])
        let running = Task { try await outer.run() }
        try await Self.until(journal, holds: 1)
        await outer.triggerGracefulShutdown()
        try await running.value
        #expect(journal.all == ["start ingest", "stop ingest", "closed pool"])
    }
}
