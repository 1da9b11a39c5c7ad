import RosterNemesis
import RosterTesting
import Testing

/// The seeded nemesis (kafka-testing.md §6, row 14), run briefly in the suite: three seeds of
/// 60 s each against real workers, the mock cluster, the private Postgres and the fakes. Each
/// restarts and crashes Postgres, so it holds the test database exclusively. The only time
/// bounds are the generous wait for quiet (240 s) and the suite's limit, a guard against hangs.
@Suite(.requiresPostgres, .serialized, .timeLimit(.minutes(8)))
struct NemesisTests {
    @Test(arguments: [UInt64(1), 2, 3])
    func invariantsHoldUnderFaults(seed: UInt64) async throws {
        let report = try await TestDatabase.withFreshDatabase(exclusive: true) { url in
            try await Nemesis.run(.init(seed: seed, durationSeconds: 60, quietTimeout: .seconds(240)), databaseURL: url)
        }
        print(report.summary)
        #expect(report.passed, "nemesis seed \(seed) failed:\n\(report.summary)")
        #expect(report.checked.count == 6)
    }

    @Test func theSameSeedGivesTheSamePlan() {
        let a = NemesisPlan(seed: 42, durationSeconds: 120)
        let b = NemesisPlan(seed: 42, durationSeconds: 120)
        let c = NemesisPlan(seed: 43, durationSeconds: 120)
        #expect(a == b)
        #expect(a.fingerprint == b.fingerprint)
        #expect(a.fingerprint != c.fingerprint)
        #expect(!a.faults.isEmpty && !a.rounds.isEmpty)
    }

    @Test func splitMixIsTheReferenceSequence() {
        // SplitMix64 with seed 1234567 (the reference implementation's first outputs).
        var rng = SplitMix64(seed: 1_234_567)
        #expect(rng.next() == 6_457_827_717_110_365_317)
        #expect(rng.next() == 3_203_168_211_198_807_973)
    }
}
