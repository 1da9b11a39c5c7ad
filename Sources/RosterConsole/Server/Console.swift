import Foundation
import Hummingbird
import Logging
import RosterCore
import RosterPostgres
import RosterWorker

/// The operator console (`roster console`): server-rendered pages over the same database and the
/// same operations as the CLI (``JobReader``, ``JobReplayer``, ``JobCanceller``,
/// ``DeadLetterReplayer``, ``StatusReader``, ``AuditReader``, ``DeadLetterReader``).
///
/// ``router()`` builds every route behind ``ConsoleSecurityMiddleware``; tests drive it without a
/// socket (HummingbirdTesting), ``ConsoleService`` serves it.
public struct Console: Sendable {
    public let configuration: ConsoleConfiguration
    let roster: RosterConfiguration
    let pool: PostgresPool
    let logger: Logger
    let sessions: SessionStore

    /// - Parameters:
    ///   - configuration: How the console runs.
    ///   - roster: Roster's configuration (Kafka for the lag, vendors for re-planning and dead-letter replay).
    ///   - pool: The database the CLI reads.
    ///   - logger: For failures only (requests are not logged: paths carry employee ids).
    public init(configuration: ConsoleConfiguration, roster: RosterConfiguration, pool: PostgresPool, logger: Logger) {
        self.configuration = configuration
        self.roster = roster
        self.pool = pool
        self.logger = logger
        self.sessions = SessionStore(idleTimeout: configuration.sessionIdleTimeout)
    }

    /// Every route, behind the security middleware.
    public func router() -> Router<ConsoleContext> {
        let router = Router(context: ConsoleContext.self)
        router.add(
            middleware: ConsoleSecurityMiddleware(configuration: configuration, sessions: sessions, logger: logger))
        addStaticRoutes(to: router)
        addSignInRoutes(to: router)
        addPageRoutes(to: router)
        addActionRoutes(to: router)
        return router
    }

    /// The page shell for `context`'s session.
    func layout(_ title: String, _ section: Layout.Section?, _ context: ConsoleContext, _ content: HTML) -> HTML {
        Layout(
            title: title, section: section, operatorName: context.session?.operatorName,
            readOnly: configuration.readOnly,
            csrfToken: context.session?.csrfToken, content: content
        ).html
    }

    /// The current time, as the pages show it.
    static var now: Timestamp { Timestamp(secondsSince1970: Date().timeIntervalSince1970) }

    private func addStaticRoutes(to router: Router<ConsoleContext>) {
        router.get("static/console.css") { _, _ in
            ConsoleResponse.asset(Assets.stylesheet, contentType: "text/css; charset=utf-8")
        }
        router.get("static/console.js") { _, _ in
            ConsoleResponse.asset(Assets.script, contentType: "text/javascript; charset=utf-8")
        }
        router.get("static/favicon.svg") { _, _ in ConsoleResponse.asset(Assets.favicon, contentType: "image/svg+xml") }
        router.get("favicon.ico") { _, _ in ConsoleResponse.asset(Assets.favicon, contentType: "image/svg+xml") }
    }
}
