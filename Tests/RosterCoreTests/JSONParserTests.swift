import RosterCore
import Testing

@Suite struct JSONParserTests {
    let parser = JSONParser()

    @Test func parsesEveryKindOfValue() throws {
        let value = try parser.parse(#"{"a":[1,-2.5e3,true,false,null,"x\"y\\z\u00e9\ud83d\ude00"],"b":{}}"#)
        #expect(value["a"]?.arrayValue?.count == 6)
        #expect(value["a"]?.arrayValue?[0].int64Value == 1)
        #expect(value["a"]?.arrayValue?[1].doubleValue == -2500)
        #expect(value["a"]?.arrayValue?[2] == .bool(true))
        #expect(value["a"]?.arrayValue?[4] == .null)
        #expect(value["a"]?.arrayValue?[5].stringValue == "x\"y\\zé😀")
        #expect(value["b"] == .object([:]))
    }

    @Test func keepsLargeIntegersExact() throws {
        #expect(try parser.parse("9223372036854775807").int64Value == Int64.max)
        #expect(try parser.parse("9223372036854775808").int64Value == nil)
    }

    @Test(arguments: [
        ("{", 1), ("[1,]", 3), ("{\"a\" 1}", 5), ("01", 1), ("1.", 2), ("\"\\x\"", 2), ("tru", 0),
        ("\"abc", 4), ("[1] 2", 4), ("\"\\ud800\"", 7), ("-", 1), ("\"a\u{01}\"", 2),
    ])
    func reportsWhereSyntaxBreaks(text: String, offset: Int) {
        #expect(throws: JSONParser.SyntaxError.self) { try parser.parse(text) }
        do {
            _ = try parser.parse(text)
        } catch {
            #expect(error.offset == offset, "\(text): \(error)")
        }
    }

    @Test func refusesDuplicateKeys() {
        #expect(throws: JSONParser.SyntaxError(offset: 8, reason: "duplicate object key")) {
            try parser.parse(#"{"a":1, "a":2}"#)
        }
    }

    @Test func refusesNestingDeeperThanTheLimit() {
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: JSONParser.SyntaxError.self) { try parser.parse(deep) }
        #expect(throws: Never.self) { try JSONParser(maximumDepth: 200).parse(deep) }
    }

    @Test func syntaxErrorsDoNotQuoteTheDocument() {
        do {
            _ = try parser.parse(#"{"email": "ada@example.com" "#)
            Issue.record("expected a syntax error")
        } catch {
            #expect(!error.description.contains("ada"))
        }
    }

    @Test func serializationRoundTrips() throws {
        let text = #"{"a":[1,2.5,"q\"\n\u0001",null,true],"b":{"c":"é"}}"#
        let value = try parser.parse(text)
        #expect(try parser.parse(value.serialized) == value)
    }

    @Test func stringsAreEscapedExactlyWhereJSONRequires() {
        #expect(JSONValue.string("plain é ✓ / text").serialized == #""plain é ✓ / text""#)
        #expect(JSONValue.string("q\"b\\c\n\r\t\u{1}é").serialized == #""q\"b\\c\n\r\t\u0001é""#)
        #expect(JSONValue.object(["k\"": .string("")]).serialized == #"{"k\"":""}"#)
    }
}
