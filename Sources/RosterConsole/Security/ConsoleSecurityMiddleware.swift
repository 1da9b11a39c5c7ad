import Foundation
import Hummingbird
import Logging

/// Every request passes here first:
///
/// - **Host**: without sign-in, only the console's own loopback names are served (a page of
///   another site rebinding its DNS name to 127.0.0.1 gets 421).
/// - **Session**: an HttpOnly, SameSite=Strict cookie; created on a first visit. When the console
///   needs sign-in, everything but `/login` and `/static` redirects there until the token is given.
/// - **CSRF**: every POST must carry the session's token in its `csrf` field, and a cross-origin
///   `Origin` is refused; both answer 403 before any handler runs.
/// - **Headers** on every answer, errors included: a CSP with no inline script,
///   `frame-ancestors 'none'`, `X-Content-Type-Options: nosniff`, no referrer to other sites, no caching.
struct ConsoleSecurityMiddleware: RouterMiddleware {
    typealias Context = ConsoleContext

    static let cookieName = "roster_console"
    static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    /// The largest form body read (a bulk selection of ``ConsoleConfiguration/bulkLimit`` ids fits).
    static let maximumFormBytes = 256 * 1024

    let configuration: ConsoleConfiguration
    let sessions: SessionStore
    let logger: Logger

    func handle(
        _ request: Request, context: ConsoleContext, next: (Request, ConsoleContext) async throws -> Response
    ) async throws -> Response {
        var response: Response
        var created: ConsoleSession?
        do {
            (response, created) = try await guarded(request, context: context, next: next)
        } catch let error as ConsolePageError {
            response = ErrorPage.response(error, configuration: configuration, session: context.session)
        } catch let error as HTTPError {
            let page = ConsolePageError(
                status: error.status, title: error.status.reasonPhrase, message: error.body ?? error.status.reasonPhrase
            )
            response = ErrorPage.response(page, configuration: configuration, session: context.session)
        } catch {
            logger.error(
                "console request failed",
                metadata: ["path": "\(request.uri.path)", "error": "\(String(reflecting: type(of: error)))"])
            let page = ConsolePageError(
                status: .internalServerError, title: "Something went wrong", message: ErrorPage.describe(error))
            response = ErrorPage.response(page, configuration: configuration, session: context.session)
        }
        if let created { response.setCookie(Self.cookie(for: created)) }
        Self.addSecurityHeaders(&response.headers)
        return response
    }

    private func guarded(
        _ request: Request, context: ConsoleContext, next: (Request, ConsoleContext) async throws -> Response
    ) async throws -> (Response, ConsoleSession?) {
        var request = request
        var context = context
        let path = request.uri.path
        if !configuration.requiresSignIn, let host = request.head.authority, !Self.isLocalHost(host) {
            throw ConsolePageError(
                status: .misdirectedRequest, title: "Unknown host",
                message: "this console answers only to its loopback address")
        }
        if path.hasPrefix("/static/") { return (try await next(request, context), nil) }

        var created: ConsoleSession?
        if let session = sessions.session(request.cookies[Self.cookieName]?.value) {
            context.session = session
        } else {
            let session = sessions.create(
                signedIn: !configuration.requiresSignIn,
                operatorName: configuration.requiresSignIn ? nil : configuration.defaultOperator)
            context.session = session
            created = session
        }
        if request.method == .post {
            if let origin = request.headers[.origin], let host = request.head.authority,
                !Self.sameOrigin(origin, host: host)
            {
                throw ConsolePageError.forbidden(
                    "this form was sent from another site (Origin \(origin)); nothing was changed")
            }
            let body = try await request.collectBody(upTo: Self.maximumFormBytes)
            context.form = FormData(encoded: String(buffer: body))
            guard let sent = context.form["csrf"], let session = context.session,
                ConsoleSession.constantTimeEquals(sent, session.csrfToken)
            else {
                throw ConsolePageError.forbidden(
                    "the form's security token is missing or out of date (CSRF); reload the page and try again. Nothing was changed"
                )
            }
        }
        if configuration.requiresSignIn, context.session?.signedIn != true, path != "/login" {
            if request.method == .get || request.method == .head {
                return (ConsoleResponse.redirect("/login"), created)
            }
            throw ConsolePageError.forbidden("sign in first")
        }
        return (try await next(request, context), created)
    }

    static func cookie(for session: ConsoleSession) -> Cookie {
        Cookie(name: cookieName, value: session.id, path: "/", httpOnly: true, sameSite: .strict)
    }

    static func addSecurityHeaders(_ headers: inout HTTPFields) {
        headers[.contentSecurityPolicy] = contentSecurityPolicy
        headers[.xContentTypeOptions] = "nosniff"
        headers[.init("X-Frame-Options")!] = "DENY"
        headers[.init("Referrer-Policy")!] = "same-origin"
        headers[.init("Cross-Origin-Opener-Policy")!] = "same-origin"
        if headers[.cacheControl] == nil { headers[.cacheControl] = "no-store" }
    }

    /// `127.0.0.1:PORT`, `localhost:PORT`, `[::1]:PORT` (any port: the console may listen on 0).
    static func isLocalHost(_ authority: String) -> Bool {
        var host = authority
        if host.hasPrefix("[") {
            host = String(host.dropFirst().prefix { $0 != "]" })
        } else if let colon = host.lastIndex(of: ":") {
            host = String(host[..<colon])
        }
        return ConsoleAccessPolicy.isLoopback(host)
    }

    /// Whether `origin` (`http://host:port`) names `host` (the request's authority).
    static func sameOrigin(_ origin: String, host: String) -> Bool {
        guard let separator = origin.range(of: "://") else { return false }
        return origin[separator.upperBound...].lowercased() == host.lowercased()
    }
}
