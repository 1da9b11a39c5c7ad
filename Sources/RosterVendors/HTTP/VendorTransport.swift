/// Sends one ``VendorRequest`` and returns the vendor's response, whatever its status.
///
/// Transports are deliberately small: base URL, credentials, timeouts and the wire. Policy —
/// rate limiting, circuit breaking, retries and attempt recording — wraps a transport (a
/// decorator that is itself a `VendorTransport`), and vendor logic (envelopes, pagination)
/// sits above it in clients such as ``OpenAIAdminClient``.
public protocol VendorTransport: Sendable {
    /// Sends `request` once.
    ///
    /// - Returns: The response for any HTTP status, including 4xx and 5xx.
    /// - Throws: ``VendorError`` with code ``VendorError/Code/transport`` or
    ///   ``VendorError/Code/timeout`` when no HTTP response was received.
    func send(_ request: VendorRequest) async throws -> VendorResponse
}
