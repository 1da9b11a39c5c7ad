import Hummingbird

/// The request context of the console's router: the session (set by
/// ``ConsoleSecurityMiddleware``) and the form fields of a POST (read and CSRF-checked there).
public struct ConsoleContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The browser's session; always set once the middleware ran.
    public var session: ConsoleSession?
    /// A POST's fields (empty for other methods).
    public var form = FormData()

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }

    /// The request's query string as fields.
    static func query(_ request: Request) -> FormData {
        FormData(encoded: request.uri.query ?? "")
    }
}
