import RosterCore

/// An error the fake Confident AI server answers with, rendered as Confident AI's envelope
/// `{"success": false, "error": "<message>", "deprecated": false}`.
public struct FakeConfidentAIError: Error, Sendable, Hashable {
    /// The HTTP status.
    public var status: Int
    /// The human-readable message.
    public var message: String

    public init(status: Int, message: String) {
        self.status = status
        self.message = message
    }

    /// 400.
    public static func badRequest(_ message: String) -> FakeConfidentAIError {
        FakeConfidentAIError(status: 400, message: message)
    }

    /// 404.
    public static func notFound(_ message: String) -> FakeConfidentAIError {
        FakeConfidentAIError(status: 404, message: message)
    }

    /// 409, Confident AI's "resource already exists".
    public static func conflict(_ message: String) -> FakeConfidentAIError {
        FakeConfidentAIError(status: 409, message: message)
    }

    /// The envelope for an injected or rate-limit status. The 429 wording is assumed: Confident
    /// AI documents no rate limit [U].
    public static func forStatus(_ status: Int) -> FakeConfidentAIError {
        switch status {
        case 429: FakeConfidentAIError(status: 429, message: "Too many requests")
        case 401: FakeConfidentAIError(status: 401, message: "Invalid API key")
        case 403: FakeConfidentAIError(status: 403, message: "Forbidden")
        case 500...599: FakeConfidentAIError(status: status, message: "Internal server error")
        default: FakeConfidentAIError(status: status, message: "Injected failure with status \(status)")
        }
    }

    /// The JSON envelope.
    public var json: JSONValue {
        .object(["success": .bool(false), "error": .string(message), "deprecated": .bool(false)])
    }

    /// The HTTP response, with `Retry-After` when given.
    public func response(retryAfter: Int? = nil) -> FakeHTTPResponse {
        var headers: [String: String] = [:]
        if let retryAfter { headers["Retry-After"] = String(retryAfter) }
        return .json(status, json.serialized, headers: headers)
    }
}
