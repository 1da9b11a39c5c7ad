import RosterCore
import RosterPostgres

// The vocabularies stored in text columns bind and decode as themselves: SQL says
// `status = \(JobStatus.queued)`, never `status = 'queued'`, and a row decodes to the case or
// fails naming the value. The columns' CHECK constraints (schemas/migrations) list the same words.

/// `jobs.status`.
extension JobStatus: PostgresEncodable, PostgresDecodable, PostgresArrayElement {}

/// `job_steps.status`.
extension StepStatus: PostgresEncodable, PostgresDecodable, PostgresArrayElement {}

/// `jobs.hold_decision`.
extension HoldDecision: PostgresEncodable, PostgresDecodable {}

/// `jobs.origin`.
extension JobOrigin: PostgresEncodable, PostgresDecodable {}

/// `jobs.type` and `events.type`: the short name (`onboarding`, `offboarding`, `changed`), not
/// the event's full type.
extension HREvent.Kind: PostgresEncodable, PostgresDecodable, PostgresArrayElement {
    /// `text`.
    public static var postgresType: PostgresDataType { .text }
    /// `text[]`.
    public static var postgresArrayType: PostgresDataType { .textArray }

    /// Writes the short name.
    public func encode(into buffer: inout PostgresEncodingBuffer) {
        shortName.encode(into: &buffer)
    }

    /// Reads a short name.
    public static func decode(
        from buffer: inout PostgresDecodingBuffer,
        type: PostgresDataType
    ) throws(PostgresDecodingFailure) -> HREvent.Kind {
        let name = try String.decode(from: &buffer, type: type)
        guard let kind = HREvent.Kind(shortName: name) else { throw .malformed("\(name) is not an event type") }
        return kind
    }
}

/// `step_attempts.outcome`.
extension AttemptOutcome: PostgresEncodable, PostgresDecodable {}

/// `job_steps.recovery_point`.
extension RecoveryPoint: PostgresEncodable, PostgresDecodable {}

/// `circuit_breakers.state`.
extension CircuitBreaker.State: PostgresEncodable, PostgresDecodable {}
