import Logging
import RosterCore
import RosterPostgres
import RosterTesting
import Testing

@testable import RosterWorker

/// The claim binds its statuses as parameters instead of writing them as literals. PostgreSQL
/// plans an unnamed statement with its parameters' values, so the partial index `jobs_runnable`
/// (`WHERE status IN ('queued', 'retrying')`) must still be provably usable. With sequential
/// scans disabled the planner takes that index only if it can prove its predicate from the
/// bound values; a generic plan could not, and would fall back to another index.
@Suite(.requiresPostgres, .timeLimit(.minutes(10)))
struct JobClaimPlanTests {
    @Test func theClaimWithBoundStatusesStillWalksTheRunnableIndex() async throws {
        try await TestDatabase.withFreshPool { pool, _ async throws in
            try await RosterSchema.migrate(pool, logger: Logger(label: "test.claim-plan"))
            let claim = JobStore(pool: pool, workerID: "planner", lease: .seconds(30)).claimQuery(limit: 8)
            #expect(!claim.sql.contains("'queued'"), "the statuses are parameters")
            let plan = try await pool.withTransaction { connection in
                try await connection.execute("SET LOCAL enable_seqscan = off")
                let lines = try await connection.query(
                    PostgresQuery(unsafeSQL: "EXPLAIN " + claim.sql, binds: claim.binds)
                ).rows
                return try lines.map { try $0.decode(String.self, column: "QUERY PLAN") }.joined(separator: "\n")
            }
            #expect(plan.contains("jobs_runnable"), "\(plan)")
        }
    }
}
