import RosterKafka
import Testing

@Suite("KafkaVersion")
struct KafkaVersionTests {
    @Test func linkedLibraryIsSupported() throws {
        try KafkaVersion.check()
        #expect(KafkaVersion.linked >= KafkaVersion.minimumSupported)
        #expect(KafkaVersion.linkedString.hasPrefix("\(KafkaVersion.linked.major).\(KafkaVersion.linked.minor)"))
    }

    @Test func decodesLibrdkafkaVersionIntegers() {
        #expect(KafkaVersion(hex: 0x0200_02ff) == KafkaVersion(major: 2, minor: 0, revision: 2))
        #expect(KafkaVersion(hex: 0x010b_06ff).description == "1.11.6")
    }

    @Test func rejectsVersionsBefore2() throws {
        let error = #expect(throws: KafkaError.self) { try KafkaVersion.check(KafkaVersion(hex: 0x0109_02ff)) }
        #expect(error?.code == .unsupportedVersion)
        #expect(error?.reason.contains("1.9.2") == true)
        try KafkaVersion.check(KafkaVersion(major: 2, minor: 0, revision: 0))
        try KafkaVersion.check(KafkaVersion(major: 3, minor: 0, revision: 0))
    }
}
