/// PostHog's error body (drf-exceptions-hog): `{"type", "code", "detail", "attr"}`.
///
/// Examples: 400 `validation_error`/`invalid_input`, 401 `authentication_error`/
/// `invalid_personal_api_key`, 404 `invalid_request`/`not_found` ("Not found."), 429
/// `throttled_error`/`throttled` ("Request was throttled. Expected available in 12 seconds.").
/// Every field is decoded leniently: a missing or oddly typed field is `nil`.
public struct PostHogErrorEnvelope: Sendable, Hashable, Decodable {
    /// The error family (`validation_error`, `authentication_error`, `throttled_error`, …).
    public var type: String?
    /// The machine-readable code (`invalid_input`, `max_length`, `not_found`, `throttled`, …).
    public var code: String?
    /// The human-readable message. May contain an email address.
    public var detail: String?
    /// The request attribute at fault, if any.
    public var attr: String?

    public init(type: String?, code: String?, detail: String?, attr: String? = nil) {
        self.type = type
        self.code = code
        self.detail = detail
        self.attr = attr
    }

    enum CodingKeys: String, CodingKey {
        case type, code, detail, attr
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        type = try? container.decodeIfPresent(String.self, forKey: .type)
        code = try? container.decodeIfPresent(String.self, forKey: .code)
        detail = try? container.decodeIfPresent(String.self, forKey: .detail)
        attr = try? container.decodeIfPresent(String.self, forKey: .attr)
    }
}
