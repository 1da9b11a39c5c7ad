import Hummingbird
import RosterPostgres
import RosterWorker

/// What a refused or failed request shows: the status, a title and one sentence, inside the
/// normal page shell so the navigation still works.
enum ErrorPage {
    static func response(
        _ error: ConsolePageError, configuration: ConsoleConfiguration, session: ConsoleSession?
    ) -> Response {
        let content: HTML = """
            <h1>\(error.title)</h1>
            <p class="notice error" role="alert">\(error.message)</p>
            <p><a href="/">Back to the overview</a></p>
            """
        let html = Layout(
            title: error.title, section: nil, operatorName: session?.operatorName, readOnly: configuration.readOnly,
            content: content
        ).html
        return ConsoleResponse.page(html, status: error.status)
    }

    /// A sentence for an unexpected failure, without the details a log would carry.
    static func describe(_ error: any Error) -> String {
        var error = error
        if let transaction = error as? PostgresTransactionError, let body = transaction.bodyError { error = body }
        if let failure = error as? OperationsError { return failure.message }
        if let postgres = error as? PostgresError {
            if postgres.isConnectionFailure { return "PostgreSQL cannot be reached right now; try again in a moment" }
            if postgres.sqlState == .undefinedTable {
                return "the database schema is older than this roster: run roster migrate"
            }
            return "a database error occurred; see the console's log"
        }
        return "an unexpected error occurred; see the console's log"
    }
}
