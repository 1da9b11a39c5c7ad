import Foundation
import RosterKafka
import RosterTesting
import Synchronization

/// Runs the consumer contract (poll → commit → poll) for one consumer in a background task and
/// records what it received and which rebalance events it saw.
final class KafkaGroupMember: Sendable {
    let consumer: KafkaConsumer
    private let state = Mutex(Record())
    private let tasks = Mutex<[Task<Void, Never>]>([])

    struct Record {
        var messages: [KafkaMessage] = []
        var events: [KafkaRebalanceEvent] = []
        var commitFailures: [KafkaError] = []
        var pollFailures: [any Error] = []
    }

    init(_ consumer: KafkaConsumer) {
        self.consumer = consumer
    }

    /// Starts the poll loop and the event reader.
    func start() {
        let poller = Task { [self] in
            while !Task.isCancelled {
                do {
                    let batch = try await consumer.poll(maxMessages: 500, timeout: .milliseconds(200))
                    guard !batch.isEmpty else { continue }
                    do {
                        try await consumer.commit(batch)
                    } catch let error as KafkaError {
                        state.withLock { $0.commitFailures.append(error) }
                    }
                    state.withLock { $0.messages += batch }
                } catch {
                    state.withLock { $0.pollFailures.append(error) }
                    return
                }
            }
        }
        let reader = Task { [self] in
            for await event in consumer.rebalanceEvents {
                state.withLock { $0.events.append(event) }
            }
        }
        tasks.withLock { $0 = [poller, reader] }
    }

    /// Stops the poll loop (after its current poll and commit), then closes the consumer.
    func stopAndClose() async {
        let running = tasks.withLock { $0 }
        running.first?.cancel()
        await running.first?.value
        await consumer.close()
        await running.last?.value
    }

    var record: Record { state.withLock { $0 } }
    var messages: [KafkaMessage] { record.messages }
}

/// Waits until `condition` holds, checking every 100 ms.
func waitUntil(
    timeout: Duration, _ what: String, _ condition: () -> Bool
) async throws {
    let deadline = ContinuousClock.now.advanced(by: timeout)
    while !condition() {
        guard ContinuousClock.now < deadline else {
            throw WaitTimeout(what: what)
        }
        try await Task.sleep(for: .milliseconds(100))
    }
}

struct WaitTimeout: Error, CustomStringConvertible {
    var what: String
    var description: String { "timed out waiting until \(what)" }
}
