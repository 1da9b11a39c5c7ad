import Foundation
import RosterCore
import RosterWorker
import Testing

/// The pure parts of the operator commands: time bounds, JSON and table output, operator identity.
@Suite struct OperationsUnitTests {
    let now = Timestamp(rfc3339: "2026-11-24T12:00:00Z")!

    @Test func durationsAndRFC3339TimesParse() throws {
        #expect(try TimeBound.parse("2h", now: now) == Timestamp(rfc3339: "2026-11-24T10:00:00Z"))
        #expect(try TimeBound.parse("30m", now: now) == Timestamp(rfc3339: "2026-11-24T11:30:00Z"))
        #expect(try TimeBound.parse("7d", now: now) == Timestamp(rfc3339: "2026-11-17T12:00:00Z"))
        #expect(try TimeBound.parse("90s", now: now) == Timestamp(rfc3339: "2026-11-24T11:58:30Z"))
        #expect(try TimeBound.parse("2026-11-01T00:00:00Z", now: now) == Timestamp(rfc3339: "2026-11-01T00:00:00Z"))
        for bad in ["", "2", "h", "2y", "-2h", "yesterday", "2026-13-01T00:00:00Z"] {
            #expect(throws: OperationsError.self, "\(bad)") { try TimeBound.parse(bad, now: now) }
        }
    }

    @Test func jsonIsSortedIndentedAndKeepsNulls() throws {
        let value: JSONValue = .object(["b": .null, "a": .array([.number("1"), .string("x\"\n")]), "c": .object([:])])
        let text = JSONOutput.render(value)
        #expect(text == "{\n  \"a\": [\n    1,\n    \"x\\\"\\n\"\n  ],\n  \"b\": null,\n  \"c\": {}\n}\n")
        let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        #expect(parsed?.keys.sorted() == ["a", "b", "c"])
    }

    @Test func tablesAreColouredOnlyWhenAsked() {
        var table = TextTable(["ID", "STATUS"], colour: false)
        table.append(["1", "dead"])
        #expect(table.rendered == "ID  STATUS\n1   dead\n")
        #expect(!table.rendered.contains("\u{1B}"))
        table.colour = true
        #expect(table.rendered.contains("\u{1B}[31m"))
        #expect(Terminal.wantsColour(environment: [:], isTerminal: true))
        #expect(!Terminal.wantsColour(environment: [:], isTerminal: false))
        #expect(!Terminal.wantsColour(environment: ["NO_COLOR": "1"], isTerminal: true))
    }

    @Test func operatorActionsNeedAReasonAndAName() throws {
        #expect(try OperatorAction(name: nil, reason: "fix", environment: ["USER": "ada"]).actor == "operator:ada")
        #expect(try OperatorAction(name: "bob", reason: "fix", environment: ["USER": "ada"]).name == "bob")
        #expect(throws: OperationsError.self) { try OperatorAction(name: nil, reason: "fix", environment: [:]) }
        #expect(throws: OperationsError.self) { try OperatorAction(name: "bob", reason: "  ", environment: [:]) }
    }
}
