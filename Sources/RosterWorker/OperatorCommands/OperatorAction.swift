import Foundation
import RosterCore
import RosterPostgres

/// Who is acting and why: every replay, cancellation and dead-letter replay is written to the
/// append-only `audit_log` with actor `operator:<name>` and the reason, in the same transaction
/// as the change it describes.
public struct OperatorAction: Sendable, Hashable {
    /// The operator's name (`--operator`, else `$USER`, else `$LOGNAME`).
    public var name: String
    /// Why, in the operator's words (required by every mutating command).
    public var reason: String

    /// - Throws: ``OperationsError`` (invalid argument) for an empty reason or no operator name.
    public init(
        name explicit: String?, reason: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(OperationsError) {
        let name = [explicit, environment["USER"], environment["LOGNAME"]].compactMap {
            $0?.trimmingCharacters(in: .whitespaces)
        }.first { !$0.isEmpty }
        guard let name else {
            throw .invalidArgument("who is acting? pass --operator NAME (no $USER in the environment)")
        }
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw .invalidArgument("--reason must say why") }
        self.name = name
        self.reason = reason
    }

    /// The `audit_log.actor` of this operator's rows: `operator:<name>`.
    public var actor: String { "operator:\(name)" }

    /// Appends one audit row on `connection` (inside the caller's transaction).
    func record(
        _ action: String, jobID: Int64?, employeeID: String?, target: JSONValue, outcome: String,
        on connection: PostgresConnection
    ) async throws {
        try await connection.execute(
            """
            INSERT INTO audit_log (actor, action, job_id, employee_id, target, outcome, reason)
            VALUES (\(actor), \(action), \(jobID), \(employeeID), \(target.serialized)::jsonb, \(outcome), \(reason))
            """
        )
    }
}
