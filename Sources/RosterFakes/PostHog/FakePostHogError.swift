import RosterCore

/// An error the fake PostHog server answers with, rendered as PostHog's envelope
/// `{"type", "code", "detail", "attr"}` (drf-exceptions-hog).
public struct FakePostHogError: Error, Sendable, Hashable {
    /// The HTTP status.
    public var status: Int
    /// The error family: `validation_error`, `authentication_error`, `invalid_request`,
    /// `throttled_error`, `server_error`.
    public var type: String
    /// The machine-readable code.
    public var code: String
    /// The human-readable message.
    public var detail: String
    /// The request attribute at fault, if any.
    public var attr: String?
    /// Seconds for `Retry-After`, when the server sends it.
    public var retryAfter: Int?

    public init(status: Int, type: String, code: String, detail: String, attr: String? = nil, retryAfter: Int? = nil) {
        self.status = status
        self.type = type
        self.code = code
        self.detail = detail
        self.attr = attr
        self.retryAfter = retryAfter
    }

    /// 400 `validation_error`.
    public static func validation(
        _ detail: String, attr: String? = nil, code: String = "invalid_input"
    )
        -> FakePostHogError
    {
        FakePostHogError(status: 400, type: "validation_error", code: code, detail: detail, attr: attr)
    }

    /// 404 `invalid_request`/`not_found`, "Not found.".
    public static let notFound = FakePostHogError(
        status: 404,
        type: "invalid_request",
        code: "not_found",
        detail: "Not found."
    )

    /// 403 `authentication_error`/`permission_denied`.
    public static func permissionDenied(_ detail: String) -> FakePostHogError {
        FakePostHogError(status: 403, type: "authentication_error", code: "permission_denied", detail: detail)
    }

    /// 405 for a known path with a method it does not serve.
    public static func methodNotAllowed(_ method: String) -> FakePostHogError {
        FakePostHogError(
            status: 405,
            type: "invalid_request",
            code: "method_not_allowed",
            detail: "Method \"\(method)\" not allowed."
        )
    }

    /// 429 `throttled_error`; the detail names the seconds when known, as DRF does.
    public static func throttled(seconds: Int?) -> FakePostHogError {
        let detail = seconds.map { "Request was throttled. Expected available in \($0) second\($0 == 1 ? "" : "s")." }
        return FakePostHogError(
            status: 429,
            type: "throttled_error",
            code: "throttled",
            detail: detail ?? "Request was throttled.",
            retryAfter: seconds
        )
    }

    /// The envelope for an injected or rate-limit status.
    public static func forStatus(_ status: Int, retryAfter: Int? = nil) -> FakePostHogError {
        switch status {
        case 429:
            throttled(seconds: retryAfter)
        case 401:
            FakePostHogError(
                status: 401,
                type: "authentication_error",
                code: "authentication_failed",
                detail: "Incorrect authentication credentials."
            )
        case 404:
            notFound
        case 500...599:
            FakePostHogError(
                status: status,
                type: "server_error",
                code: "error",
                detail: "A server error occurred.",
                retryAfter: retryAfter
            )
        default:
            FakePostHogError(
                status: status,
                type: "invalid_request",
                code: "injected",
                detail: "Injected failure with status \(status).",
                retryAfter: retryAfter
            )
        }
    }

    /// The JSON envelope.
    public var json: JSONValue {
        .object([
            "type": .string(type),
            "code": .string(code),
            "detail": .string(detail),
            "attr": attr.map(JSONValue.string) ?? .null,
        ])
    }

    /// The HTTP response; `Retry-After` only when ``retryAfter`` is set and `sendRetryAfter`.
    public func response(sendRetryAfter: Bool = true) -> FakeHTTPResponse {
        var headers: [String: String] = [:]
        if sendRetryAfter, let retryAfter { headers["Retry-After"] = String(retryAfter) }
        return .json(status, json.serialized, headers: headers)
    }
}
