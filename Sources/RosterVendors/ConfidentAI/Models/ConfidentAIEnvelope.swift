/// Confident AI's response envelope: `{success: true, data: {…}}` or
/// `{success: false, error: "<message>"}` (plus `deprecated`/`link`, ignored).
///
/// Decoding is lenient about the failure side: `error` may also arrive as an object with a
/// `message`, and a missing `success` counts as success when `data` is present.
struct ConfidentAIEnvelope<Payload: Decodable>: Decodable {
    /// Whether the call succeeded, as the vendor says.
    var success: Bool?
    /// The payload of a successful call.
    var data: Payload?
    /// The failure message.
    var error: String?

    enum CodingKeys: String, CodingKey {
        case success, data, error
    }

    private struct MessageObject: Decodable {
        var message: String?
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        success = try? container.decodeIfPresent(Bool.self, forKey: .success)
        if success == false {
            data = nil
        } else {
            data = try container.decodeIfPresent(Payload.self, forKey: .data)
        }
        if let text = try? container.decodeIfPresent(String.self, forKey: .error) {
            error = text
        } else if let object = try? container.decodeIfPresent(MessageObject.self, forKey: .error) {
            error = object.message
        } else {
            error = nil
        }
    }
}

/// The error side of the envelope alone, for non-2xx responses.
struct ConfidentAIErrorBody: Decodable {
    var error: String?

    enum CodingKeys: String, CodingKey {
        case error
    }

    private struct MessageObject: Decodable {
        var message: String?
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let text = try? container.decodeIfPresent(String.self, forKey: .error) {
            error = text
        } else {
            error = (try? container.decodeIfPresent(MessageObject.self, forKey: .error))?.message
        }
    }
}
