/// OpenAI's error body, `{"error": {"message", "type", "param", "code"}}`.
public struct OpenAIErrorEnvelope: Sendable, Hashable, Codable {
    /// The inner error object; every field may be `null`.
    public struct Body: Sendable, Hashable, Codable {
        public var message: String?
        public var type: String?
        public var param: String?
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

    public var error: Body

    public init(error: Body) {
        self.error = error
    }
}
