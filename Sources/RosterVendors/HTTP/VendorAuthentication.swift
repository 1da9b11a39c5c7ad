/// How a transport authenticates to a vendor: which header carries the credential.
///
/// The credential never appears in ``description`` (it prints as `****`), so configurations and
/// transports can be logged.
public enum VendorAuthentication: Sendable, CustomStringConvertible {
    /// No credential (fakes and public endpoints).
    case none
    /// `Authorization: Bearer <token>` (OpenAI, PostHog).
    case bearer(String)
    /// A raw header, e.g. Confident AI's `CONFIDENT_API_KEY: <key>` or Relevance AI's
    /// `Authorization: <project>:<key>`.
    case header(name: String, value: String)
    /// Headers computed per request, for credentials that rotate.
    case provider(@Sendable () async throws -> VendorHeaders)

    /// The headers to add to one request.
    ///
    /// - Throws: Whatever a ``provider(_:)`` closure throws.
    public func headers() async throws -> VendorHeaders {
        switch self {
        case .none: [:]
        case .bearer(let token): ["Authorization": "Bearer \(token)"]
        case .header(let name, let value): [name: value]
        case .provider(let make): try await make()
        }
    }

    public var description: String {
        switch self {
        case .none: "none"
        case .bearer: "bearer ****"
        case .header(let name, _): "\(name): ****"
        case .provider: "provider"
        }
    }
}
