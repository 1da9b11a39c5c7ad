import Foundation
import RosterCore
import RosterPostgres
import RosterTesting
import Synchronization
import Testing

@testable import RosterWorker

/// Issue 12, hole 11: the project-creation lock lasted one lease period and was never renewed, so
/// a step longer than the lease let a second job in between its look and its create.
@Suite(.serialized, .timeLimit(.minutes(10)), .requiresPostgres)
struct ResourceLockTests {
    /// Deterministic: no wall-clock race. The lease is long; what is proven is that the heartbeat's
    /// renewal moves the lock's expiry with the lease (before the fix nothing renewed it, so it
    /// lapsed one lease after it was taken), and that a second job waits until the holder lets go.
    @Test func aLockIsRenewedWithTheLeaseAndKeepsOthersOutUntilReleased() async throws {
        try await LimitsFixture.withPools(2) { pools in
            let lease = Duration.seconds(30)
            let first = JobStore(pool: pools[0], workerID: "w1", lease: lease)
            let second = JobStore(pool: pools[1], workerID: "w2", lease: lease)
            let jobA = Self.claim(id: 1, employee: "A", token: 101)
            let jobB = Self.claim(id: 2, employee: "B", token: 102)
            let order = OrderLog()
            let entered = AsyncStream<Void>.makeStream()
            let release = AsyncStream<Void>.makeStream()
            let releaseStream = release.stream
            let enteredContinuation = entered.continuation

            let holder = Task {
                try await first.withResourceLock("create-projects:test", job: jobA) {
                    order.append("A in")
                    enteredContinuation.yield()
                    for await _ in releaseStream { break }
                    order.append("A out")
                }
            }
            for await _ in entered.stream { break }
            let taken = try await Self.expiry(pools[0])
            _ = try await first.renew([jobA])
            #expect(try await Self.expiry(pools[0]) > taken, "the heartbeat renews the claim's lock with its lease")
            _ = try await second.renew([jobB])
            let waiter = Task {
                try await second.withResourceLock("create-projects:test", job: jobB) { order.append("B in") }
            }
            // B polls every 20-80 ms; give it many chances to (wrongly) get in, counted, not timed.
            for _ in 0..<20 { _ = try await pools[1].query("SELECT pg_sleep(0.01)") }
            #expect(order.entries == ["A in"], "B waits while A holds the lock")
            release.continuation.yield()
            try await holder.value
            try await waiter.value
            #expect(order.entries == ["A in", "A out", "B in"], "B got in only after A let go")
        }
    }

    static func expiry(_ pool: PostgresPool) async throws -> Int64 {
        try await pool.query(
            "SELECT (extract(epoch FROM expires_at) * 1000000)::int8 FROM resource_locks WHERE key = 'create-projects:test'"
        ).rows[0].decode(Int64.self, at: 0)
    }

    /// A claim of an onboarding job that exists only in this test (the lock never reads `jobs`).
    static func claim(id: Int64, employee: String, token: Int64) -> ClaimedJob {
        let now = Timestamp(secondsSince1970: Date().timeIntervalSince1970)
        let record = JobRecord(
            id: id, eventID: "event-\(id)", employeeID: employee, kind: .onboarding, status: .running, priority: 10,
            employeeOrder: 1, attempts: 1, lastError: nil, cancelReason: nil, runAfter: now, leaseOwner: nil,
            createdAt: now, updatedAt: now, finishedAt: nil, steps: [])
        return ClaimedJob(record: record, token: token)
    }
}

final class OrderLog: Sendable {
    private let log = Mutex<[String]>([])
    func append(_ entry: String) { log.withLock { $0.append(entry) } }
    var entries: [String] { log.withLock { $0 } }
}
