import Foundation
import UnixSignals

enum Signals {
    /// Suspends until the process receives SIGTERM or SIGINT.
    static func waitForTermination() async {
        let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint)
        for await _ in signals { return }
    }
}
