import Foundation
import RosterTesting
import RosterVendors
import Testing

/// ``PostHogClient/inviteItems(_:)`` (the flush of batched invites) against the fake, and the
/// ``InviteBatcher`` that feeds it.
@Suite struct PostHogInviteItemsTests {
    @Test func membersAndCoveredInvitesAreAnsweredWithoutACallAndTheRestGoInChunksOfTwenty() async throws {
        try await withPostHog { fake, _, client in
            fake.addMember(email: "member@example.com")
            fake.addInvite(email: "invited@example.com")
            let emails = ["member@example.com", "invited@example.com"] + (0..<41).map { "n\($0)@example.com" }
            let results = await client.inviteItems(emails.map { .init(email: $0, level: .member, projectAccess: []) })
            let outcomes = try results.map { try $0.get() }
            guard case .member = outcomes[0], case .alreadyInvited = outcomes[1] else {
                Issue.record("\(outcomes[0...1])")
                return
            }
            let bulk = fake.calls.calls("POST", path: fake.apiPath("invites/bulk/"))
            #expect(bulk.count == 3)
            #expect(fake.invites.count == 42)
        }
    }

    @Test func aChunkRefusedWith400IsSplitUntilTheRefusedPartsAreAlone() async throws {
        try await withPostHog { fake, _, client in
            // The whole chunk and then its first half are refused; the halves of that half and the
            // second half go through: every item succeeds, in five calls.
            fake.injectFaults(
                [.status(400), .status(400)], matching: .init(method: "POST", pathPrefix: fake.apiPath("invites/bulk/"))
            )
            let items = (0..<20).map {
                PostHogInviteItem(email: "s\($0)@example.com", level: .member, projectAccess: [])
            }
            let results = await client.inviteItems(items)
            #expect(results.allSatisfy { (try? $0.get()) != nil })
            let bulk = fake.calls.calls("POST", path: fake.apiPath("invites/bulk/"))
            #expect(bulk.map(\.status) == [400, 400, 201, 201, 201])
            #expect(fake.invites.count == 20)
        }
    }

    @Test func aLoneRefusedItemFailsAloneAndTheOthersSucceed() async throws {
        try await withPostHog { fake, _, client in
            // Five refusals: every call carrying the first item fails down to the item alone.
            fake.injectFaults(
                Array(repeating: .status(400), count: 5),
                matching: .init(method: "POST", pathPrefix: fake.apiPath("invites/bulk/")))
            let items = (0..<20).map {
                PostHogInviteItem(email: "t\($0)@example.com", level: .member, projectAccess: [])
            }
            let results = await client.inviteItems(items)
            let failed = results.enumerated().filter { (try? $0.element.get()) == nil }.map(\.offset)
            #expect(failed == [0])
            #expect(fake.invites.count == 19)
        }
    }

    @Test(.timeLimit(.minutes(3))) func theBatcherSendsFullBatchesAtOnceAndTheRestAfterTheLinger() async throws {
        let batcher = InviteBatcher<Int, Int>(options: .init(linger: .milliseconds(100), maxItems: 4))
        let flush: InviteBatcher<Int, Int>.Flush = { items in items.map { .success($0 * 10) } }
        let results = try await withThrowingTaskGroup(of: Int.self) { group in
            for i in 0..<10 { group.addTask { try await batcher.submit(i, key: "k", flush: flush) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.sorted() == (0..<10).map { $0 * 10 })
        #expect(batcher.statistics.flushes == 3 && batcher.statistics.items == 10)
        // The two leftovers went in a third flush after the linger, not never: that the group
        // finished at all proves it (a batcher that never flushed them would hang into the suite's
        // time limit). No wall-clock bound: 16 s was seen with both cores saturated.
    }
}
