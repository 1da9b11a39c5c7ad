import RosterCore

/// An error the fake OpenAI server answers with, rendered as OpenAI's envelope
/// `{"error": {"message", "type", "param", "code"}}`.
public struct FakeOpenAIError: Error, Sendable, Hashable {
    /// The HTTP status.
    public var status: Int
    /// The human-readable message.
    public var message: String
    /// The error type (`invalid_request_error`, `server_error`, …).
    public var type: String
    /// The request parameter at fault, if any.
    public var param: String?
    /// The machine-readable code, if any.
    public var code: String?

    public init(status: Int, message: String, type: String, param: String? = nil, code: String? = nil) {
        self.status = status
        self.message = message
        self.type = type
        self.param = param
        self.code = code
    }

    /// 400 `invalid_request_error`.
    public static func invalidRequest(_ message: String, param: String? = nil, code: String? = nil) -> FakeOpenAIError {
        FakeOpenAIError(status: 400, message: message, type: "invalid_request_error", param: param, code: code)
    }

    /// 404 `invalid_request_error` for an id that does not exist (or no longer does).
    public static func notFound(_ message: String) -> FakeOpenAIError {
        FakeOpenAIError(status: 404, message: message, type: "invalid_request_error", code: "not_found")
    }

    /// The envelope for an injected or rate-limit status.
    public static func forStatus(_ status: Int) -> FakeOpenAIError {
        switch status {
        case 429:
            FakeOpenAIError(
                status: 429,
                message: "Rate limit reached for requests on the organization admin API. Please try again later.",
                type: "requests",
                code: "rate_limit_exceeded"
            )
        case 401:
            FakeOpenAIError(
                status: 401, message: "Incorrect API key provided.", type: "invalid_request_error",
                code: "invalid_api_key")
        case 500...599:
            FakeOpenAIError(
                status: status,
                message: "The server had an error while processing your request. Sorry about that!",
                type: "server_error"
            )
        default:
            FakeOpenAIError(
                status: status, message: "Injected failure with status \(status).", type: "invalid_request_error")
        }
    }

    /// The JSON envelope.
    public var json: JSONValue {
        .object([
            "error": .object([
                "message": .string(message),
                "type": .string(type),
                "param": param.map(JSONValue.string) ?? .null,
                "code": code.map(JSONValue.string) ?? .null,
            ])
        ])
    }

    /// The HTTP response, with `Retry-After` when given.
    public func response(retryAfter: Int? = nil) -> FakeHTTPResponse {
        var headers: [String: String] = [:]
        if let retryAfter { headers["Retry-After"] = String(retryAfter) }
        return .json(status, json.serialized, headers: headers)
    }
}
