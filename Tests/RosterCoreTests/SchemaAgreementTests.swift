import Foundation
import RosterCore
import RosterTesting
import Testing

/// The decoder must accept exactly what `schemas/hr-event.v1.schema.json` accepts. This checks
/// both against Python's `jsonschema` (Debian's python3-jsonschema, installed by ops/lib/install-deps)
/// on the examples and on every one-step mutation of the valid examples.
@Suite struct SchemaAgreementTests {
    static let python = "/usr/bin/python3"

    static let validatorScript = #"""
        import json, sys
        from jsonschema import Draft202012Validator
        v = Draft202012Validator(json.load(open(sys.argv[1])))
        for line in sys.stdin:
            try:
                doc = json.loads(line)
            except ValueError:
                print("invalid"); continue
            print("valid" if v.is_valid(doc) else "invalid")
        """#

    func schemaVerdicts(_ documents: [String]) throws -> [Bool] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.python)
        process.arguments = [
            "-c", Self.validatorScript, Repository.root.appendingPathComponent("schemas/hr-event.v1.schema.json").path,
        ]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.runBesideMockBrokers()
        let writer = Thread {
            input.fileHandleForWriting.write(
                Data(documents.map { $0.replacingOccurrences(of: "\n", with: " ") + "\n" }.joined().utf8))
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map { $0 == "valid" }
    }

    /// Every document one step away from `value`: each member removed, set to null or to a value of each other type, plus an extra member.
    func mutations(of value: JSONValue) -> [JSONValue] {
        let replacements: [JSONValue] = [
            .null, .bool(true), .number("1"), .number("1.5"), .string(""), .string("x"), .array([]), .object([:]),
        ]
        switch value {
        case .object(let members):
            var result: [JSONValue] = [
                .object(members.merging(["zz_extra": .object(["k": .number("1")])]) { a, _ in a })
            ]
            for (key, member) in members {
                var removed = members
                removed[key] = nil
                result.append(.object(removed))
                for r in replacements where r != member {
                    var replaced = members
                    replaced[key] = r
                    result.append(.object(replaced))
                }
                for deeper in mutations(of: member) {
                    var nested = members
                    nested[key] = deeper
                    result.append(.object(nested))
                }
            }
            return result
        case .array(let items):
            var result: [JSONValue] = [.array(items + items.prefix(1))]
            for (i, item) in items.enumerated() {
                var removed = items
                removed.remove(at: i)
                result.append(.array(removed))
                for deeper in mutations(of: item) {
                    var nested = items
                    nested[i] = deeper
                    result.append(.array(nested))
                }
            }
            return result
        default:
            return []
        }
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: python)))
    func decoderAndSchemaAgree() throws {
        var documents: [String] = []
        for folder in ["valid", "invalid"] {
            documents += try Repository.examples(folder).map { String(decoding: $0.bytes, as: UTF8.self) }
        }
        for example in try Repository.examples("valid") {
            let value = try JSONParser().parse(example.bytes)
            documents += mutations(of: value).map(\.serialized)
        }
        let verdicts = try schemaVerdicts(documents)
        try #require(verdicts.count == documents.count)
        let decoder = HREventDecoder()
        var disagreements: [String] = []
        for (document, schemaSaysValid) in zip(documents, verdicts) {
            var decoderSaysValid = true
            do {
                _ = try decoder.decode(Array(document.utf8))
            } catch {
                // The one documented rule beyond the schema that mutations can trigger.
                if schemaSaysValid, error.problems.map(\.path) == ["subject"] { continue }
                decoderSaysValid = false
            }
            if decoderSaysValid != schemaSaysValid {
                disagreements.append("schema=\(schemaSaysValid) decoder=\(decoderSaysValid): \(document)")
            }
        }
        #expect(documents.count > 500)
        #expect(disagreements.isEmpty, "\(disagreements.prefix(10).joined(separator: "\n"))")
    }
}
