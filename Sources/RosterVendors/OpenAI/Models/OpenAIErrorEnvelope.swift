/// OpenAI's error body, `{"error": {"message", "type", "param", "code"}}`.
public struct OpenAIErrorEnvelope: Sendable, Hashable, Codable {
    /// The inner error object; every field may be `null`.
    public struct Body: Sendable, Hashable, Codable {
        /// The human-readable message.
        public var message: String?
        /// The error type (`invalid_request_error`, `server_error`, …).
        public var type: String?
        /// The request parameter at fault, if any.
        public var param: String?
        /// The machine-readable code, if any.
        public var code: String?

        public init(message: String?, type: String?, param: String? = nil, code: String? = nil) {
            self.message = message
            self.type = type
            self.param = param
            self.code = code
        }

        /// `code` may be a number in some OpenAI responses; accept it as text.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            message = try? container.decodeIfPresent(String.self, forKey: .message)
            type = try? container.decodeIfPresent(String.self, forKey: .type)
            param = try? container.decodeIfPresent(String.self, forKey: .param)
            if let text = try? container.decodeIfPresent(String.self, forKey: .code) {
                code = text
            } else if let number = try? container.decodeIfPresent(Int.self, forKey: .code) {
                code = String(number)
            } else {
                code = nil
            }
        }
    }

    /// The error object.
    public var error: Body

    public init(error: Body) {
        self.error = error
    }
}
