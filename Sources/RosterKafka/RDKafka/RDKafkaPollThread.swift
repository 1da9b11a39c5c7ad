internal import CRdkafka
import Dispatch
import Foundation
import Synchronization

/// A dedicated thread that serves a producer's `rd_kafka_poll` (delivery reports, errors) until
/// stopped. Not on the cooperative pool and not a Dispatch worker: it blocks for its whole life.
final class RDKafkaPollThread: Sendable {
    private let handle: RDKafkaHandle
    private let stopRequested = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)

    /// Starts the thread.
    init(handle: RDKafkaHandle) {
        self.handle = handle
        let thread = Thread { [self] in
            while !stopRequested.load(ordering: .relaxed) {
                // Blocks up to 100 ms; callbacks run on this thread.
                _ = handle.withHandle { rd_kafka_poll($0, 100) }
            }
            finished.signal()
        }
        thread.name = "roster.kafka.poll.\(handle.name)"
        thread.start()
    }

    /// Stops the loop and waits for it to exit. Only the first call waits.
    func stop() {
        guard !stopRequested.exchange(true, ordering: .relaxed) else { return }
        // Wakes a blocked rd_kafka_poll at once instead of after its 100 ms.
        handle.withHandle { rd_kafka_yield($0) }
        finished.wait()
    }
}
