import RosterVendors
import Testing

@Suite struct EmailRedactionTests {
    @Test(arguments: [
        ("User with email ada@example.com is already a member.", "User with email <email> is already a member."),
        ("'Ada.Lovelace+roster@Research.Example.co.uk' not found", "<email>' not found"),
        ("invite for ada@example.com.", "invite for <email>."),
        ("emails: a@x.io, b@y.io", "emails: <email>, <email>"),
        ("GET /users?emails%5B%5D=ada%40example.com failed", "GET /users?emails%5B%5D=<email> failed"),
        ("{\"email\":\"ada@example.com\"}", "{\"email\":\"<email>\"}"),
        ("José.Ñúñez@empresa.es left", "<email> left"),
        ("no address here @ all", "no address here @ all"),
        ("twitter handle @ada and user@localhost", "twitter handle @ada and user@localhost"),
        ("", ""),
    ])
    func redactsAddresses(input: String, expected: String) {
        #expect(EmailRedaction.redact(input) == expected)
    }

    @Test func descriptionsNeverShowTheVendorsAddresses() {
        let error = VendorError.http(
            status: 400,
            isDelete: false,
            vendorCode: "invalid_request_error",
            message: "User with email Ada@Example.com is already a member of this organization.",
            retryAfter: nil,
            vendor: "openai"
        )
        #expect(error.message.contains("Ada@Example.com"))
        #expect(!error.description.contains("@"))
        #expect(!error.debugDescription.contains("Example.com"))
        #expect(!"\(error)".contains("Ada@"))
        #expect(!String(reflecting: error).contains("Ada@"))
        #expect(error.description.contains("<email>"))
        #expect(error.description.contains("status 400"))
    }
}
