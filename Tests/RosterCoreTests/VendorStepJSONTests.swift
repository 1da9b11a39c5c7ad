import Foundation
import RosterCore
import Testing

@Suite struct VendorStepJSONTests {
    static let steps: [VendorStep] = [
        VendorStep(vendor: "openai", action: .ensureProject, project: "research/ai \"x\""),
        VendorStep(vendor: "openai", action: .ensureAccess, project: "research", role: "owner"),
        VendorStep(
            vendor: "posthog-eu", action: .reconcile,
            grants: [
                AccessGrant(vendor: "posthog-eu", project: "Web ünïcode", role: "8"),
                AccessGrant(vendor: "posthog-eu", project: "b", role: "1"),
            ]),
        VendorStep(vendor: "relevance", action: .reconcile, grants: []),
        VendorStep(vendor: "confident", action: .removeOrganizationMembership),
    ]

    @Test(arguments: steps) func theStoredDocumentDecodesBackToTheSameStep(_ step: VendorStep) throws {
        let text = step.json.serialized
        #expect(try JSONDecoder().decode(VendorStep.self, from: Data(text.utf8)) == step)
    }

    @Test(arguments: steps) func itIsTheDocumentCodableWrites(_ step: VendorStep) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let codable = try JSONParser().parse(try encoder.encode(step))
        #expect(step.json == codable)
    }
}
