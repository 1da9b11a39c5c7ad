import Foundation
import RosterCore
import RosterPostgres
import RosterTesting
import Synchronization
import Testing

@testable import RosterWorker

/// Issue 12, hole 11: the project-creation lock lasted one lease period and was never renewed, so
/// a step longer than the lease let a second job in between its look and its create.
@Suite(.serialized, .timeLimit(.minutes(5)), .requiresPostgres)
struct ResourceLockTests {
    @Test func aLockHeldPastTheLeaseIsRenewedWithItAndKeepsOthersOut() async throws {
        try await LimitsFixture.withPools(2) { pools in
            // Renewed every third of the lease: a renewal may come up to two seconds late (a loaded
            // machine) before the lock could lapse; without renewal it lapses after one lease.
            let lease = Duration.seconds(3)
            let first = JobStore(pool: pools[0], workerID: "w1", lease: lease)
            let second = JobStore(pool: pools[1], workerID: "w2", lease: lease)
            let jobA = ClaimedJob(id: 1, eventID: "a", employeeID: "A", kind: .onboarding, priority: 10, attempts: 1, token: 101)
            let jobB = ClaimedJob(id: 2, eventID: "b", employeeID: "B", kind: .onboarding, priority: 10, attempts: 1, token: 102)
            let order = Mutex<[String]>([])
            let entered = AsyncStream<Void>.makeStream()

            let holder = Task {
                try await first.withResourceLock("create-projects:test", job: jobA) {
                    order.withLock { $0.append("A in") }
                    entered.continuation.yield()
                    // Hold it for almost three lease periods, renewing as the heartbeat does.
                    for _ in 0..<8 {
                        try await Task.sleep(for: lease / 3)
                        _ = try await first.renew([jobA])
                    }
                    order.withLock { $0.append("A out") }
                }
            }
            for await _ in entered.stream { break }
            try await second.withResourceLock("create-projects:test", job: jobB) {
                order.withLock { $0.append("B in") }
            }
            try await holder.value
            #expect(order.withLock { $0 } == ["A in", "A out", "B in"], "B got in only after A let go")
        }
    }
}
