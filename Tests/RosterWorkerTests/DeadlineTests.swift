import Synchronization
import Testing

@testable import RosterWorker

/// `withDeadline`: the answer or `nil`, and no timer left sleeping after a body that answered.
@Suite(.timeLimit(.minutes(2)))
struct DeadlineTests {
    /// Counts timers started and timers that ended by cancellation.
    final class Timers: Sendable {
        let counts = Mutex((started: 0, cancelled: 0))

        /// A sleep of a minute that records whether it was cancelled.
        var sleep: @Sendable (Duration) async throws -> Void {
            { [self] duration in
                counts.withLock { $0.started += 1 }
                do {
                    try await Task.sleep(for: duration)
                } catch {
                    self.counts.withLock { $0.cancelled += 1 }
                    throw error
                }
            }
        }
    }

    @Test func aBodyThatAnswersCancelsItsTimer() async throws {
        let timers = Timers()
        for i in 0..<50 {
            #expect(try await withDeadline(.seconds(600), sleep: timers.sleep) { i } == i)
        }
        // Each timer is cancelled as soon as its body answered; wait for the last cancellations
        // to run (they do not depend on the 600 s, which would exceed the time limit).
        while timers.counts.withLock({ $0.cancelled }) < 50 { try await Task.sleep(for: .milliseconds(10)) }
        let counts = timers.counts.withLock { $0 }
        #expect(counts.started == 50 && counts.cancelled == 50)
    }

    @Test func aBodyThatThrowsCancelsItsTimerToo() async throws {
        struct Refused: Error {}
        let timers = Timers()
        await #expect(throws: Refused.self) {
            _ = try await withDeadline(.seconds(600), sleep: timers.sleep) { () async throws -> Int in throw Refused() }
        }
        while timers.counts.withLock({ $0.cancelled }) < 1 { try await Task.sleep(for: .milliseconds(10)) }
    }

    @Test func aBodyThatIgnoresCancellationIsLeftBehindAndTheAnswerIsNil() async throws {
        let answer = try await withDeadline(.milliseconds(50)) { () async -> Int in
            // Ignores cancellation for a second, as a blocking libpq connect would.
            try? await Task.detached { try await Task.sleep(for: .seconds(1)) }.value
            return 1
        }
        #expect(answer == nil)
    }
}
