import RosterVendors
import Testing

@Suite struct FailureClassificationTests {
    @Test(arguments: [200, 201, 204])
    func successStatusesSucceed(status: Int) {
        #expect(FailureClassification.classify(status: status, isDelete: false) == .success)
        #expect(FailureClassification.classify(status: status, isDelete: true) == .success)
    }

    @Test(arguments: [408, 409, 429, 500, 502, 503, 504, 599])
    func transientStatusesAreRetryable(status: Int) {
        #expect(FailureClassification.classify(status: status, isDelete: false) == .retryable)
        #expect(FailureClassification.classify(status: status, isDelete: true) == .retryable)
    }

    @Test(arguments: [400, 401, 403, 404, 405, 410, 422])
    func clientErrorsArePermanent(status: Int) {
        #expect(FailureClassification.classify(status: status, isDelete: false) == .permanent)
    }

    @Test func notFoundOnADeleteMeansAlreadyGone() {
        #expect(FailureClassification.classify(status: 404, isDelete: true) == .alreadyGone)
        #expect(FailureClassification.classify(status: 404, isDelete: false) == .permanent)
        // Other 4xx on deletes stay permanent: only "not there" means done.
        #expect(FailureClassification.classify(status: 400, isDelete: true) == .permanent)
        #expect(FailureClassification.classify(status: 403, isDelete: true) == .permanent)
    }

    @Test func conflictIsAPerVendorChoice() {
        let strict = FailureClassification.Policy(conflictIsRetryable: false)
        #expect(FailureClassification.classify(status: 409, isDelete: false, policy: strict) == .permanent)
        #expect(FailureClassification.classify(status: 409, isDelete: false, policy: .default) == .retryable)
    }

    @Test func theVendorsRetryHintOverridesErrorsOnly() {
        #expect(FailureClassification.classify(status: 400, isDelete: false, vendorSaysRetry: true) == .retryable)
        #expect(FailureClassification.classify(status: 503, isDelete: false, vendorSaysRetry: false) == .permanent)
        #expect(FailureClassification.classify(status: 200, isDelete: false, vendorSaysRetry: false) == .success)
        #expect(FailureClassification.classify(status: 404, isDelete: true, vendorSaysRetry: false) == .alreadyGone)
    }

    @Test func failuresWithoutAResponse() {
        #expect(FailureClassification.classify(code: .transport) == .retryable)
        #expect(FailureClassification.classify(code: .timeout) == .retryable)
        #expect(FailureClassification.classify(code: .decoding) == .permanent)
        #expect(FailureClassification.classify(code: .unexpected) == .permanent)
    }

    @Test func vendorErrorsCarryTheirClassification() {
        let gone = VendorError.http(
            status: 404, isDelete: true, vendorCode: nil, message: "No such user", retryAfter: nil)
        #expect(gone.isAlreadyGone)
        #expect(!gone.isRetryable)
        let throttled = VendorError.http(
            status: 429, isDelete: false, vendorCode: "rate_limit_exceeded", message: "slow down",
            retryAfter: .seconds(2))
        #expect(throttled.isRetryable)
        #expect(throttled.retryAfter == .seconds(2))
        #expect(VendorError.timeout("deadline").isRetryable)
        #expect(VendorError.transport("refused").isRetryable)
        #expect(!VendorError.decoding("bad").isRetryable)
    }
}
