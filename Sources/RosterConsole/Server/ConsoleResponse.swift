import Hummingbird
import NIOCore

/// Responses the console sends: HTML pages, redirects after a form, and its static assets.
enum ConsoleResponse {
    static func page(_ html: HTML, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: html.text))
        )
    }

    /// 303 See Other to `location` (a path on this console).
    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }

    static func asset(_ text: String, contentType: String) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: contentType, .cacheControl: "public, max-age=3600"],
            body: .init(byteBuffer: ByteBuffer(string: text))
        )
    }
}

/// A request the console answers with an error page: a status, a title and a sentence for the
/// operator (ids and states only).
struct ConsolePageError: Error, Sendable {
    var status: HTTPResponse.Status
    var title: String
    var message: String

    static func notFound(_ message: String) -> ConsolePageError {
        .init(status: .notFound, title: "Not found", message: message)
    }
    static func badRequest(_ message: String) -> ConsolePageError {
        .init(status: .badRequest, title: "Cannot do that", message: message)
    }
    static func forbidden(_ message: String) -> ConsolePageError {
        .init(status: .forbidden, title: "Refused", message: message)
    }
}
