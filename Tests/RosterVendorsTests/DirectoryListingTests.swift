import Foundation
import RosterCore
import Synchronization
import Testing

@testable import RosterVendors

/// A clock a test moves by hand.
final class ManualClock: Sendable {
    private let current: Mutex<Date>

    init(_ start: Date = Date()) {
        current = Mutex(start)
    }

    var now: Date { current.withLock { $0 } }

    func advance(by seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }

    var read: @Sendable () -> Date { { self.now } }
}

/// A load that counts its calls and answers what it is told, optionally waiting for a release.
final class CountedLoad: Sendable {
    private let state = Mutex<(calls: Int, value: [String])>((0, []))
    private let gate: AsyncStream<Void>
    private let open: AsyncStream<Void>.Continuation
    let blocks: Bool

    init(_ value: [String], blocks: Bool = false) {
        state.withLock { $0.value = value }
        (gate, open) = AsyncStream.makeStream()
        self.blocks = blocks
    }

    var calls: Int { state.withLock { $0.calls } }

    func set(_ value: [String]) { state.withLock { $0.value = value } }

    func release() {
        open.yield()
        open.finish()
    }

    var load: @Sendable () async throws -> [String] {
        {
            let value = self.state.withLock { state -> [String] in
                state.calls += 1
                return state.value
            }
            if self.blocks { for await _ in self.gate { break } }
            return value
        }
    }
}

@Suite struct DirectoryListingTests {
    @Test func concurrentReadersShareOneLoad() async throws {
        let listing = DirectoryListing<[String]>(timeToLive: 60)
        let load = CountedLoad(["a"], blocks: true)
        let values = try await withThrowingTaskGroup(of: [String].self) { group in
            for _ in 0..<20 { group.addTask { try await listing.value(load: load.load) } }
            // Every reader is waiting on the one load before it answers.
            while listing.loads == 0 { await Task.yield() }
            load.release()
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(values.count == 20 && values.allSatisfy { $0 == ["a"] })
        #expect(load.calls == 1)
        #expect(listing.loads == 1)
    }

    @Test func aHeldListingIsBelievedUntilItsTimeToLive() async throws {
        let clock = ManualClock()
        let listing = DirectoryListing<[String]>(timeToLive: 60, now: clock.read)
        let load = CountedLoad(["a"])
        _ = try await listing.value(load: load.load)
        clock.advance(by: 59)
        load.set(["a", "b"])
        #expect(try await listing.value(load: load.load) == ["a"])
        clock.advance(by: 2)
        #expect(try await listing.value(load: load.load) == ["a", "b"])
        #expect(load.calls == 2)
    }

    @Test func aFloorNewerThanTheListingLoadsAgain() async throws {
        let clock = ManualClock()
        let listing = DirectoryListing<[String]>(timeToLive: 600, now: clock.read)
        let load = CountedLoad(["a"])
        _ = try await listing.value(load: load.load)
        let loadedAt = try #require(listing.loadedAt)
        // A floor at the load's start is met; one after it is not.
        _ = try await listing.value(notBefore: loadedAt, load: load.load)
        #expect(load.calls == 1)
        clock.advance(by: 1)
        load.set(["b"])
        #expect(try await listing.value(notBefore: clock.now, load: load.load) == ["b"])
        #expect(load.calls == 2)
        #expect(listing.current(notBefore: clock.now) == ["b"])
    }

    @Test func ownMutationsReachALoadThatStartedBeforeThem() async throws {
        let listing = DirectoryListing<[String]>(timeToLive: 60)
        let load = CountedLoad(["a"], blocks: true)
        async let value = listing.value(load: load.load)
        while listing.loads == 0 { await Task.yield() }
        // Roster creates "b" while the listing (which started before) is on its way.
        listing.update { $0.append("b") }
        load.release()
        #expect(try await value == ["a", "b"])
        #expect(listing.current() == ["a", "b"])
        listing.update { $0.removeAll { $0 == "a" } }
        #expect(listing.current() == ["b"])
    }

    @Test func aContradictedListingIsListedAgain() async throws {
        let listing = DirectoryListing<[String]>(timeToLive: 600)
        let load = CountedLoad(["a"])
        _ = try await listing.value(load: load.load)
        listing.invalidate()
        #expect(listing.current() == nil)
        load.set(["c"])
        #expect(try await listing.value(load: load.load) == ["c"])
        #expect(load.calls == 2)
    }

    @Test func aFailedLoadKeepsNothingAndTheNextReaderTriesAgain() async throws {
        let listing = DirectoryListing<[String]>(timeToLive: 600)
        struct Boom: Error {}
        await #expect(throws: Boom.self) { try await listing.value { throw Boom() } }
        #expect(listing.current() == nil)
        #expect(try await listing.value { ["a"] } == ["a"])
    }
}

@Suite struct LookupCostTests {
    @Test func aLoneLookupUsesTheFilterAndABacklogTheListing() {
        let clock = ManualClock()
        let cost = LookupCost(window: 30, now: clock.read)
        cost.listingCost(3)
        // 1, 2, 3 lookups cost no more than the 3-request listing; the 4th tips it.
        #expect([cost.lookUp(), cost.lookUp(), cost.lookUp(), cost.lookUp()] == [false, false, false, true])
        // Demand older than the window is forgotten.
        clock.advance(by: 31)
        #expect(cost.lookUp() == false)
    }

    @Test func theListingCostIsWhatTheLastLoadMeasured() {
        let cost = LookupCost()
        #expect(cost.listingRequests == 1)
        cost.listingCost(0)
        #expect(cost.listingRequests == 1)
        cost.listingCost(12)
        #expect(cost.listingRequests == 12)
    }
}

@Suite struct DirectoryFreshnessTests {
    let start = Date(timeIntervalSince1970: 1_000_000)

    @Test func leaversAndResumedStepsNeedListingsFromAfterTheirStart() {
        let leaver = DirectoryFreshness.forStep(isRevocation: true, attempt: 1, startedAt: start, personTouchedAt: nil)
        #expect(leaver == DirectoryFreshness(notBefore: start, reason: .revocation))
        #expect(leaver.demandsNewListing)
        let resumed = DirectoryFreshness.forStep(
            isRevocation: false, attempt: 2, startedAt: start, personTouchedAt: nil)
        #expect(resumed == DirectoryFreshness(notBefore: start, reason: .resumed))
    }

    @Test func aPersonAnEarlierJobTouchedNeedsListingsFromAfterIt() {
        let touched = start.addingTimeInterval(-60)
        let fresh = DirectoryFreshness.forStep(
            isRevocation: false, attempt: 1, startedAt: start, personTouchedAt: touched)
        #expect(fresh.reason == .earlierJob)
        #expect(fresh.notBefore == touched.addingTimeInterval(DirectoryFreshness.clockSkewMargin))
        #expect(!fresh.demandsNewListing)
        // Touched a moment ago: the margin never asks for a listing later than the step's start.
        let justNow = DirectoryFreshness.forStep(
            isRevocation: false, attempt: 1, startedAt: start, personTouchedAt: start)
        #expect(justNow.notBefore == start)
    }

    @Test func aFirstStepForANewPersonTakesAnyListing() {
        #expect(
            DirectoryFreshness.forStep(isRevocation: false, attempt: 1, startedAt: start, personTouchedAt: nil) == .any)
    }
}
