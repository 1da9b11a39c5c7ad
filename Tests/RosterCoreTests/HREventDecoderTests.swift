import Foundation
import RosterCore
import Testing

@Suite struct HREventDecoderTests {
    let decoder = HREventDecoder(knownVendors: ["openai", "posthog", "confident", "relevance"])

    static let valid = #"""
        {"specversion":"1.0","id":"evt-1","source":"hris://acme","type":"hr.employee.onboarding","time":"2026-11-24T10:00:00Z",
         "subject":"E1","data":{"employee":{"id":"E1","email":"Ada@Example.COM","name":"Ada"},
         "access":[{"vendor":"openai","project":"research-ai","role":"member"}],"sequence":7},"extension":{"x":1}}
        """#

    @Test func decodesAValidEvent() throws {
        let event = try decoder.decode(Array(Self.valid.utf8), key: "E1")
        #expect(event.id == "evt-1")
        #expect(event.kind == .onboarding)
        #expect(event.employee.email == "ada@example.com")
        #expect(event.access == [AccessGrant(vendor: "openai", project: "research-ai", role: "member")])
        #expect(event.sequence == 7)
        #expect(event.time == Timestamp(rfc3339: "2026-11-24T10:00:00Z"))
    }

    @Test func reportsMissingEmailWithItsPath() {
        let text =
            #"{"specversion":"1.0","id":"e","source":"s","type":"hr.employee.offboarding","time":"2026-11-24T10:00:00Z","data":{"employee":{"id":"E1"}}}"#
        #expect(
            throws: EventRejection(
                code: .invalidEvent, problems: [EventProblem(path: "data.employee.email", message: "missing")])
        ) {
            try decoder.decode(Array(text.utf8))
        }
    }

    @Test func reportsEveryProblemAtOnce() throws {
        let text =
            #"{"specversion":"2","id":"","type":"hr.x","time":"now","data":{"employee":{"id":"E1","email":"nope"},"sequence":-3,"access":[{"vendor":"openai"}]}}"#
        let rejection = try #require(throws: EventRejection.self) { try decoder.decode(Array(text.utf8)) }
        let paths = Set(rejection.problems.map(\.path))
        #expect(
            paths == [
                "specversion", "id", "source", "type", "time", "data.employee.email", "data.sequence",
                "data.access[0].project", "data.access[0].role",
            ])
        #expect(rejection.description.contains("data.employee.email: is not a valid email address"))
        #expect(!rejection.description.contains("nope"), "reasons never repeat values")
    }

    @Test func refusesOversizeMessagesWithoutParsing() throws {
        let huge = [UInt8](repeating: UInt8(ascii: "{"), count: (1 << 20) + 1)
        let rejection = try #require(throws: EventRejection.self) { try decoder.decode(huge) }
        #expect(rejection.code == .oversize)
    }

    @Test func refusesUnknownVendorsAndWrongKeys() throws {
        let text = Self.valid.replacingOccurrences(of: #""vendor":"openai""#, with: #""vendor":"salesforce""#)
        let unknown = try #require(throws: EventRejection.self) { try decoder.decode(Array(text.utf8)) }
        #expect(unknown.code == .unknownVendor)
        #expect(unknown.problems.map(\.path) == ["data.access[0].vendor"])
        let wrongKey = try #require(throws: EventRejection.self) {
            try decoder.decode(Array(Self.valid.utf8), key: "E2")
        }
        #expect(wrongKey.problems.map(\.path) == ["(kafka key)"])
    }

    @Test func refusesNULCharactersPostgresCannotStore() throws {
        let text = Self.valid.replacingOccurrences(of: #""name":"Ada""#, with: #""name":"A\u0000da""#)
        let rejection = try #require(throws: EventRejection.self) { try decoder.decode(Array(text.utf8)) }
        #expect(rejection.description.contains("NUL"))
    }

    @Test func acceptsWholeNumbersWrittenAsFloats() throws {
        let text = Self.valid.replacingOccurrences(of: #""sequence":7"#, with: #""sequence":7.0"#)
        #expect(try decoder.decode(Array(text.utf8)).sequence == 7)
    }

    @Test func everyValidExampleDecodes() throws {
        let examples = try Repository.examples("valid")
        #expect(examples.count >= 5)
        for example in examples {
            #expect(throws: Never.self, "\(example.name)") { try decoder.decode(example.bytes) }
        }
    }

    @Test func everyInvalidOrRejectedExampleIsRefused() throws {
        for example in try Repository.examples("invalid") + Repository.examples("rejected") {
            let rejection = try #require(throws: EventRejection.self, "\(example.name)") {
                try decoder.decode(example.bytes)
            }
            #expect(!rejection.problems.isEmpty)
        }
    }
}
