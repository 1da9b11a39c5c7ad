import RosterKafka
import Testing

@Suite("KafkaVersion")
struct KafkaVersionTests {
    @Test func linkedLibraryIsSupported() throws {
        try KafkaVersion.check()
        #expect(KafkaVersion.linked >= KafkaVersion.minimumSupported)
    }
}
