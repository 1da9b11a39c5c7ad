import Foundation
import RosterPostgres
import RosterTesting
import Testing

@testable import RosterWorker

/// Issue 12, hole 7: a checkpoint that failed inside a step counted against the vendor's retry
/// budget and could make the job dead. Storage errors are retried as storage errors.
@Suite(.serialized, .timeLimit(.minutes(10)), .requiresPostgres)
struct StorageInterruptionTests {
    @Test func failingCheckpointsSpendNoVendorAttemptAndNeverKillTheJob() async throws {
        try await TestDatabase.withFreshDatabase { url in
            // Two attempts per step: before the fix, two failed checkpoints made the job dead.
            let f = try await VendorFixture(databaseURL: url, retry: (50, 400, 2))
            try await RosterSchema.migrate(f.ingest.pool, logger: TestDatabase.logger)
            // The first three checkpoints fail as Postgres out of memory (53200) would; a
            // sequence, because a counter updated in the failing transaction would roll back.
            try await f.ingest.pool.withConnection { connection in
                try await connection.executeScript(
                    """
                    CREATE SEQUENCE injected_checkpoint_faults;
                    CREATE FUNCTION inject_checkpoint_fault() RETURNS trigger AS $$
                    BEGIN
                        IF NEW.recovery_point = 'checkpointed' AND nextval('injected_checkpoint_faults') <= 3 THEN
                            RAISE EXCEPTION 'injected checkpoint failure' USING ERRCODE = '53200';
                        END IF;
                        RETURN NEW;
                    END $$ LANGUAGE plpgsql;
                    CREATE TRIGGER inject_checkpoint_fault BEFORE UPDATE ON job_steps FOR EACH ROW EXECUTE FUNCTION inject_checkpoint_fault();
                    """
                )
            }
            f.openai.addProject(name: "st-ai")
            try await f.ingest.produce([f.event("st-on", employee: "ST", grants: [("openai", "st-ai", "member")])])
            try await f.run(until: 1)
            #expect(try await f.statuses() == ["succeeded": 1], "a storage error never makes a job dead")
            let injected = try await f.ingest.count("SELECT last_value FROM injected_checkpoint_faults")
            #expect(injected >= 3, "the faults were hit: \(injected)")
            #expect(
                try await f.ingest.count("SELECT count(*) FROM step_attempts WHERE outcome IN ('retry', 'failed')")
                    == 0, "no vendor attempt spent")
            #expect(
                f.openai.invites.filter { $0.email == VendorFixture.email("ST") && $0.status == .pending }.count == 1,
                "invited once")
            await f.stop()
        }
    }
}
