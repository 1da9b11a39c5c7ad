import RosterKafka
import RosterTesting
import Testing

@Suite("Kafka configuration validation")
struct KafkaConfigurationTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var field: String
        var configuration: KafkaConsumerConfiguration
        var testDescription: String { field }
    }

    private static func consumer(_ change: (inout KafkaConsumerConfiguration) -> Void) -> KafkaConsumerConfiguration {
        var configuration = KafkaConsumerConfiguration(
            bootstrapServers: "127.0.0.1:9092,broker-2:9093", groupID: "roster", topics: ["hr.events"])
        change(&configuration)
        return configuration
    }

    static let badConsumers: [Case] = [
        Case(field: "bootstrapServers", configuration: consumer { $0.bootstrapServers = "" }),
        Case(field: "bootstrapServers", configuration: consumer { $0.bootstrapServers = "localhost" }),
        Case(field: "bootstrapServers", configuration: consumer { $0.bootstrapServers = "a:9092,,b:9092" }),
        Case(field: "bootstrapServers", configuration: consumer { $0.bootstrapServers = "a:70000" }),
        Case(field: "groupID", configuration: consumer { $0.groupID = "" }),
        Case(field: "topics", configuration: consumer { $0.topics = [] }),
        Case(field: "topic 'hr events'", configuration: consumer { $0.topics = ["hr events"] }),
        Case(field: "topic '..'", configuration: consumer { $0.topics = [".."] }),
        Case(field: "duplicates", configuration: consumer { $0.topics = ["a", "a"] }),
        Case(field: "sessionTimeout", configuration: consumer { $0.sessionTimeout = .zero }),
        Case(field: "maxPollInterval", configuration: consumer { $0.maxPollInterval = .seconds(5) }),
        Case(field: "fetchWaitMax", configuration: consumer { $0.fetchWaitMax = .seconds(-1) }),
        Case(field: "clientID", configuration: consumer { $0.clientID = "" }),
        Case(field: "enable.auto.commit", configuration: consumer { $0.additional = ["enable.auto.commit": "true"] }),
        Case(
            field: "enable.auto.offset.store",
            configuration: consumer { $0.additional = ["enable.auto.offset.store": "true"] }),
        Case(field: "NUL", configuration: consumer { $0.additional = ["client.rack": "a\u{0}b"] }),
    ]

    @Test(arguments: badConsumers)
    func rejectsBadConsumerConfiguration(_ badCase: Case) throws {
        let (field, configuration) = (badCase.field, badCase.configuration)
        let error = #expect(throws: KafkaError.self) { try configuration.validate() }
        #expect(error?.code == .config)
        #expect(error?.reason.contains(field) == true, "\(error?.reason ?? "") should mention \(field)")
        // make() validates before creating anything.
        let made = #expect(throws: KafkaError.self) {
            try KafkaConsumer.make(configuration: configuration, logger: KafkaTestLogger.make("config"))
        }
        #expect(made?.code == .config)
    }

    @Test func acceptsDefaultsAndEscapeHatch() throws {
        try Self.consumer { _ in }.validate()
        try Self.consumer {
            $0.bootstrapServers = "PLAINTEXT://[::1]:9092"
            $0.additional = ["client.rack": "eu-1", "statistics.interval.ms": "0"]
        }.validate()
        let defaults = Self.consumer { _ in }
        #expect(defaults.sessionTimeout == .seconds(10))
        #expect(defaults.fetchWaitMax == .milliseconds(100))
        #expect(defaults.assignmentStrategy == .cooperativeSticky)
        #expect(defaults.autoOffsetReset == .earliest)
    }

    @Test func unknownLibrdkafkaPropertyIsAConfigError() throws {
        let configuration = Self.consumer { $0.additional = ["no.such.property": "1"] }
        try configuration.validate()  // Only librdkafka knows its property names.
        let error = #expect(throws: KafkaError.self) {
            try KafkaConsumer.make(configuration: configuration, logger: KafkaTestLogger.make("config"))
        }
        #expect(error?.code == .config)
        #expect(error?.reason.contains("no.such.property") == true)
    }

    @Test func rejectsBadProducerConfiguration() {
        var configuration = KafkaProducerConfiguration(bootstrapServers: "127.0.0.1:9092")
        configuration.acks = .leader
        #expect(throws: KafkaError.self) { try configuration.validate() }
        configuration.enableIdempotence = false
        #expect(throws: Never.self) { try configuration.validate() }
        configuration.messageTimeout = .zero
        let error = #expect(throws: KafkaError.self) { try configuration.validate() }
        #expect(error?.reason.contains("messageTimeout") == true)
        configuration = KafkaProducerConfiguration(bootstrapServers: "nope")
        let made = #expect(throws: KafkaError.self) {
            try KafkaProducer.make(configuration: configuration, logger: KafkaTestLogger.make("config"))
        }
        #expect(made?.code == .config)
    }
}
