import Foundation
import RosterKafka

extension Process {
    /// `run()`, never at the instant a mock broker in this test process goes down: a child spawned
    /// then would keep the broker's port listening and librdkafka's mock would abort the whole test
    /// process (see `KafkaMockCluster.spawning(_:)`). Every test that starts a `Process` uses this.
    public func runBesideMockBrokers() throws {
        try KafkaMockCluster.spawning { try run() }
    }
}
