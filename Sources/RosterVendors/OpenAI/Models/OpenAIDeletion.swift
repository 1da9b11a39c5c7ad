/// OpenAI's answer to a DELETE: `{object: "organization.….deleted", id, deleted: true}`.
public struct OpenAIDeletion: Sendable, Hashable, Codable {
    public var object: String?
    public var id: String?
    public var deleted: Bool?

    public init(object: String?, id: String?, deleted: Bool?) {
        self.object = object
        self.id = id
        self.deleted = deleted
    }
}
