/// OpenAI's answer to a DELETE: `{object: "organization.….deleted", id, deleted: true}`.
public struct OpenAIDeletion: Sendable, Hashable, Codable {
    /// The API object type, as OpenAI names it.
    public var object: String?
    /// The identifier.
    public var id: String?
    /// Whether the object was deleted.
    public var deleted: Bool?

    public init(object: String?, id: String?, deleted: Bool?) {
        self.object = object
        self.id = id
        self.deleted = deleted
    }
}
