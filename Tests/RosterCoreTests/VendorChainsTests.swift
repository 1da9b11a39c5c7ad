import RosterCore
import Testing

@Suite struct VendorChainsTests {
    @Test func eachVendorEndsOnItsOwnAndTheSummaryNamesEveryOne() {
        var chains = VendorChains(plan: ["openai", "posthog", "openai", "confident", "relevance", "confident"])
        #expect(chains.vendors == ["openai", "posthog", "confident", "relevance"])
        #expect(chains.isClear && chains.retryAfter == nil)
        chains.stop("confident", .failed(reason: "the organisation Owner cannot be removed"))
        chains.stop("confident", .waiting(after: .seconds(1), reason: "later stops are ignored"))
        #expect(chains.isStopped("confident") && !chains.isStopped("openai"))
        #expect(chains.retryAfter == nil, "only failures: the job is dead")
        #expect(
            chains.summary
                == "openai: done; posthog: done; confident: failed – the organisation Owner cannot be removed; relevance: done"
        )
        chains.stop("posthog", .waiting(after: .seconds(30), reason: "circuit open"))
        chains.stop("relevance", .waiting(after: .seconds(5), reason: "HTTP 503"))
        #expect(chains.retryAfter == .seconds(5), "the earliest waiting vendor decides when the job runs again")
    }
}
