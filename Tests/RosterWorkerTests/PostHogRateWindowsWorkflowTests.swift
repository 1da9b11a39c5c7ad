import Foundation
import RosterPostgres
import RosterTesting
import Testing

/// PostHog's two limits (480/minute and 4,800/hour) through the real engine, scaled down: a
/// `roster worker` process, the mock Kafka cluster, a real Postgres and the fake PostHog.
@Suite(.serialized, .timeLimit(.minutes(10)), .requiresPostgres)
struct PostHogRateWindowsWorkflowTests {
    /// Leavers' calls (revocations wait for any slot, so none is sent back) through two windows:
    /// 4 per second (2 at once, then one per 1/3 s) and 12 per 4 s (8 at once, then one per 0.8 s).
    ///
    /// The fake sees when calls *arrive*, which is after their slots: a late wake-up on a loaded
    /// machine bunches calls together (a full-suite run on two cores saw 13 in 4 s and 5 in 1 s),
    /// so this test only bounds spacing from below, which lateness cannot break, and prints the
    /// peaks. The exact shape of both windows is proven with an injected clock in
    /// `LimitsRateBudgetStoreTests` and `RateBudgetTests`. Without the short window the first 8
    /// calls would arrive in one instant; without the long one, 48 calls would take 15.3 s at 3/s.
    @Test func aPostHogBurstHonoursBothWindows() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let f = try await VendorFixture(
                databaseURL: url,
                postHogLimits: "rate_windows: [{limit: 4, per: 1, burst: 2}, {limit: 12, per: 4, burst: 8}]"
            )
            let leavers = (0..<8).map { "RW\($0)" }
            for leaver in leavers { f.posthog.addMember(email: VendorFixture.email(leaver)) }
            try await f.ingest.produce(
                leavers.enumerated().map { index, leaver in
                    f.event("rw-\(index)", "hr.employee.offboarding", employee: leaver, grants: nil)
                })
            try await f.run(until: leavers.count, timeout: .seconds(180))
            #expect(try await f.statuses() == ["succeeded": leavers.count])
            let addresses = Set(leavers.map(VendorFixture.email))
            #expect(!f.posthog.members.contains { addresses.contains($0.user.email) }, "every leaver is removed")

            let calls = f.posthog.calls
            let admitted = calls.admittedCalls.map(\.receivedAt).sorted()
            let count = admitted.count
            #expect(count >= 20, "enough calls to pass both bursts: \(count)")
            #expect(calls.calls(status: 429).isEmpty)
            // Only lower bounds on spacing: lateness on a busy machine can bunch arrivals (upper
            // bounds on peaks failed that way), never spread them less than their slots allow.
            // Short window: the 8th call's slot is 2 s after the first's (2 at once, then one per
            // 1/3 s); without the short window the long one's burst sends all 8 at one instant.
            #expect(admitted[7] - admitted[0] >= .seconds(1), "8 calls over \(admitted[7] - admitted[0])")
            let peakLong = calls.peakCount(inAnyWindowOf: .seconds(4), where: \.wasAdmitted)
            let peakShort = calls.peakCount(inAnyWindowOf: .seconds(1), where: \.wasAdmitted)
            // The long window sets the pace after its burst: call n's slot is (n − 7) × 0.8 s after
            // the first's at the earliest (32 s for 48). A slower machine only stretches this.
            let span = admitted.last! - admitted.first!
            #expect(span >= .milliseconds(800 * (count - 8)) - .seconds(2), "\(count) calls over \(span)")
            print("posthog two windows: \(count) calls over \(span); peak 4 s \(peakLong), peak 1 s \(peakShort)")
            await f.stop()
        }
    }
}
