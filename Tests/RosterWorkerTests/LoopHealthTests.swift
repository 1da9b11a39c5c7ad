import Testing

@testable import RosterWorker

/// Issue 12, hole 10: `/readyz` reflects the worker's own loops, not only a separate consumer.
@Suite struct LoopHealthTests {
    let start = ContinuousClock.now

    @Test func ingestIsReadyWhilePollsSucceedAndNotWhenTheyStopOrAFatalErrorCame() {
        let health = LoopHealth(staleAfter: .seconds(60), now: start)
        #expect(
            health.verdict(ingestRuns: true, now: start + .seconds(10)).ingest == "ok",
            "a fresh worker gets time for its first poll")
        #expect(
            health.verdict(ingestRuns: true, now: start + .seconds(61)).ingest?.hasPrefix(
                "no successful Kafka poll since start") == true)
        health.pollSucceeded(at: start + .seconds(61))
        #expect(health.verdict(ingestRuns: true, now: start + .seconds(70)).ingest == "ok")
        health.pollFailed("broker transport failure", fatal: false)
        #expect(
            health.verdict(ingestRuns: true, now: start + .seconds(70)).ingest == "ok",
            "one failed poll is not yet unready")
        let stale = health.verdict(ingestRuns: true, now: start + .seconds(200)).ingest
        #expect(
            stale == "no successful Kafka poll for 139 s; last error: broker transport failure", "\(stale ?? "nil")")
        health.pollFailed("fenced by another instance", fatal: true)
        health.pollSucceeded(at: start + .seconds(201))
        #expect(
            health.verdict(ingestRuns: true, now: start + .seconds(202)).ingest?.hasPrefix("fatal Kafka client error")
                == true, "a fatal error stays until restart")
        #expect(health.verdict(ingestRuns: false, now: start).ingest == nil)
    }

    @Test func theExecutorIsNotReadyAfterRepeatedClaimFailures() {
        let health = LoopHealth(claimFailureLimit: 3, now: start)
        #expect(health.verdict(ingestRuns: false, now: start).executor == nil, "no executor, no check")
        health.executorStarted()
        health.claimFailed("pool timeout")
        health.claimFailed("pool timeout")
        #expect(health.verdict(ingestRuns: false, now: start).executor == "ok")
        health.claimFailed("pool timeout")
        #expect(
            health.verdict(ingestRuns: false, now: start).executor
                == "claiming jobs failed 3 times in a row; last error: pool timeout")
        health.claimSucceeded()
        #expect(health.verdict(ingestRuns: false, now: start).executor == "ok")
    }
}
