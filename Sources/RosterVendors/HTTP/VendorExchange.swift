import Foundation

/// What every vendor client does the same way around a call: encode a JSON body, and say what
/// went wrong when the vendor's error envelope gives no message.
enum VendorExchange {
    /// A JSON request body.
    static func jsonBody(_ value: some Encodable) throws -> [UInt8] {
        do {
            return Array(try JSONEncoder().encode(value))
        } catch {
            throw VendorError.unexpected("could not encode request body: \(error)")
        }
    }

    /// The message of a failed call: the vendor's own (from its error envelope) when it gave
    /// one, else the start of the body, else the status and the call.
    static func message(vendorMessage: String?, response: VendorResponse, request: VendorRequest) -> String {
        if let vendorMessage, !vendorMessage.isEmpty { return vendorMessage }
        if !response.body.isEmpty { return String(response.bodyText.prefix(500)) }
        return "HTTP \(response.status) from \(request.method.rawValue) \(request.path)"
    }
}
