import Foundation
import RosterFakes
import RosterPostgres
import RosterTesting
import Testing

/// A worker SIGKILLed between a vendor create and its checkpoint, while another worker's directory
/// holds a listing from before the create (issue 14): the job's next run lists anew and the fake's
/// call log shows no mutating call repeated.
///
/// Two rules each protect this run (``DirectoryFreshness``): the step is resumed (attempt 2), and
/// the job's first step succeeded in the dead worker's run (the person was touched after the
/// standby's listing). With both rules switched off this test sees a second invite.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct DirectoryCrashTests {
    @Test func aResumedStepOnAnotherWorkerListsAnewInsteadOfTrustingItsDirectory() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let f = try await ExecutionFixture(databaseURL: url)
            // A vendor that accepts a second pending invite for one address (OpenAI's behaviour is
            // unverified): a stale directory would show here as a repeated create.
            f.fake.setOptions(.init(rejectDuplicatePendingInvite: false))
            // The standby worker loads its directory (projects, invites) with a first joiner.
            let standby = try f.ingest.startWorker(name: "standby", executor: true)
            try await f.ingest.produce([f.onboarding("warm", employee: "W1", grants: [("p1", "member")])])
            try await f.waitForJobsToFinish(1, workers: [standby])
            #expect(f.fake.calls.calls("GET", path: "/v1/organization/invites").count == 1)
            // The standby pauses; the doomed worker claims the next joiner and dies right after its
            // invite is created, before the checkpoint. Checkpoints of M1's run: project id learned
            // (ensure_project), project id learned and the planned grants saved (ensure_access),
            // then the invite: the fourth.
            standby.kill(SIGSTOP)
            try await f.ingest.produce([f.onboarding("crash", employee: "M1", grants: [("p1", "member")])])
            let doomed = try f.ingest.startWorker(failpoint: "after_vendor_call@4", name: "doomed", executor: true)
            _ = await doomed.waitForExit(timeout: .seconds(60))
            #expect(doomed.wasSignalled, "\(doomed.output().suffix(1000))")
            let invitesBefore = f.fake.invites.filter { $0.email.hasPrefix("m1") }.count
            #expect(invitesBefore == 1, "the crash came after the create")
            // The standby resumes and takes the job over when the lease is gone.
            _ = try await f.ingest.pool.execute("UPDATE jobs SET lease_expires_at = now() WHERE status = 'running'")
            standby.kill(SIGCONT)
            try await f.waitForJobsToFinish(2, workers: [standby])
            #expect(try await f.jobStatuses() == ["succeeded": 2])
            let all = f.mutations
            #expect(Set(all).count == all.count, "no mutating call repeated: \(all)")
            #expect(f.fake.invites.filter { $0.email.hasPrefix("m1") }.count == 1)
            // The standby's directory was listed again for the resumed step.
            #expect(f.fake.calls.calls("GET", path: "/v1/organization/invites").count >= 3)
            standby.kill(SIGTERM)
            #expect(await standby.waitForExit() == 0)
            await f.stop()
        }
    }
}
