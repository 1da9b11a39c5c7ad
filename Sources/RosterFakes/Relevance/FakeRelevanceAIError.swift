import RosterCore

/// An error the fake Relevance AI server answers with, rendered as `{"message", "error_type"}`
/// — the shape a third-party probe saw; Relevance AI documents no error format [U].
public struct FakeRelevanceAIError: Error, Sendable, Hashable {
    /// The HTTP status.
    public var status: Int
    /// The human-readable message.
    public var message: String
    /// The machine-readable type.
    public var errorType: String

    public init(status: Int, message: String, errorType: String) {
        self.status = status
        self.message = message
        self.errorType = errorType
    }

    /// 400 `validation_error`.
    public static func invalid(_ message: String) -> FakeRelevanceAIError {
        FakeRelevanceAIError(status: 400, message: message, errorType: "validation_error")
    }

    /// 404 `not_found`.
    public static func notFound(_ message: String) -> FakeRelevanceAIError {
        FakeRelevanceAIError(status: 404, message: message, errorType: "not_found")
    }

    /// 403 `forbidden`.
    public static func forbidden(_ message: String) -> FakeRelevanceAIError {
        FakeRelevanceAIError(status: 403, message: message, errorType: "forbidden")
    }

    /// The envelope for an injected or rate-limit status (the 429 wording is assumed [U]).
    public static func forStatus(_ status: Int) -> FakeRelevanceAIError {
        switch status {
        case 429: FakeRelevanceAIError(status: 429, message: "Rate limit exceeded", errorType: "rate_limited")
        case 400: FakeRelevanceAIError.invalid("Injected failure with status 400")
        case 401: FakeRelevanceAIError(status: 401, message: "Unauthorized", errorType: "unauthorized")
        case 500...599:
            FakeRelevanceAIError(status: status, message: "Internal server error", errorType: "internal_error")
        default:
            FakeRelevanceAIError(
                status: status,
                message: "Injected failure with status \(status)",
                errorType: "injected"
            )
        }
    }

    /// The JSON body.
    public var json: JSONValue {
        .object(["message": .string(message), "error_type": .string(errorType)])
    }

    /// The HTTP response, with `Retry-After` when given.
    public func response(retryAfter: Int? = nil) -> FakeHTTPResponse {
        var headers: [String: String] = [:]
        if let retryAfter { headers["Retry-After"] = String(retryAfter) }
        return .json(status, json.serialized, headers: headers)
    }
}
