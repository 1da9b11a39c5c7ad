import RosterCore
import RosterPostgres

/// The mass-offboarding brake at the database: the one place every recorder of offboarding jobs
/// asks whether each new offboarding may run or must be held. Ingest (``IngestStore``, and so
/// `roster dlq replay`) asks it; reconciliation's automatic revocations must ask it too.
///
/// ```swift
/// try await pool.withTransaction { connection in
///     // … per-employee locks first, if the caller takes any …
///     let decision = try await gate.statuses(forNewOffboardings: leavers.count, on: connection)
///     for (leaver, verdict) in zip(leavers, decision.verdicts) {
///         // INSERT INTO jobs (…, type, status, hold_reason) VALUES (…, 'offboarding',
///         //                   verdict.status.rawValue, verdict.holdReason)
///     }
///     // NOTIFY the jobs channel only if some verdict is `.run`.
/// }
/// // After the commit: RosterMetrics.current.offboardingBrakeTripped(held: decision.held)
/// ```
///
/// - **Serialised.** It takes a transaction-level advisory lock (``lockKey``), held until the
///   caller's transaction ends, so two recorders (two ingest transactions on different partitions,
///   ingest and reconciliation) cannot both admit up to the limit: the second counts the first's
///   jobs once it has committed. Take it **after** any per-employee locks (ingest's order) and
///   insert the jobs in the same transaction; call it once per transaction.
/// - **Counting.** The offboarding jobs created in the last `brake.window_seconds`, whatever their
///   status (held, cancelled and finished ones count: see ``OffboardingBrake``). Jobs the caller
///   has already inserted in this transaction would count too: ask before inserting.
/// - **Known employees** (only counted when the batch would pass `brake.offboardings`): the
///   people with a job recorded *before* the window began whose latest onboarding or offboarding
///   (in arrival order) is not an offboarding, people known only from changes included, and
///   offboardings an operator cancelled while held (void) ignored. Taking the count at the window's
///   start keeps a burst from shrinking its own base. Roster knows only people it has had an event
///   for: a deployment younger than the window knows nobody, and `brake.offboardings` is its limit.
public struct OffboardingBrakeGate: Sendable {
    /// The key of the transaction-level advisory lock (`pg_advisory_xact_lock(bigint)`): "RosterBk".
    public static let lockKey: Int64 = 0x526F_7374_6572_426B

    /// The pure decision rules and the `brake:` settings they apply.
    public let brake: OffboardingBrake

    /// A gate applying the configuration's `brake:` section.
    public init(configuration: RosterConfiguration.Brake) {
        self.brake = OffboardingBrake(configuration: configuration)
    }

    /// Decides, inside the caller's transaction, which of `count` new offboarding jobs are created
    /// `queued` and which `held` (with the reason), in the order the caller will insert them.
    ///
    /// - Parameters:
    ///   - count: how many offboarding jobs the caller is about to insert in this transaction.
    ///   - connection: the connection of the caller's open transaction.
    /// - Returns: one verdict per new offboarding (``OffboardingBrake/Decision/verdicts``); a
    ///   disabled brake, or `count` 0, runs everything without touching the database.
    /// - Throws: ``OffboardingBrakeGateError`` when no transaction is open (the lock would end
    ///   with the statement); ``PostgresError``.
    public func statuses(
        forNewOffboardings count: Int, on connection: PostgresConnection
    ) async throws -> OffboardingBrake.Decision {
        guard brake.configuration.enabled, count > 0 else {
            return brake.decide(recorded: 0, knownEmployees: nil, newOffboardings: count)
        }
        guard try await connection.isInTransaction() else { throw OffboardingBrakeGateError.notInTransaction }
        try await connection.execute("SELECT pg_advisory_xact_lock(\(Self.lockKey))")
        let window = Int64(brake.configuration.windowSeconds)
        // Read committed: this statement's snapshot is taken after the lock was granted, so it sees
        // every offboarding committed by the recorder that held the lock before.
        let recorded = Int(
            try await connection.query(
                """
                SELECT count(*)::int8 AS recorded FROM jobs
                WHERE type = \(HREvent.Kind.offboarding) AND created_at > now() - make_interval(secs => \(window))
                """
            ).rows[0].decode(Int64.self, column: "recorded"))
        var known: Int?
        if brake.needsKnownEmployees(recorded: recorded, newOffboardings: count) {
            known = try await knownEmployees(windowSeconds: window, on: connection)
        }
        return brake.decide(recorded: recorded, knownEmployees: known, newOffboardings: count)
    }

    /// The people Roster knew as current when the window began (see the type's discussion).
    func knownEmployees(windowSeconds: Int64, on connection: PostgresConnection) async throws -> Int {
        let rows = try await connection.query(
            """
            SELECT count(*)::int8 AS known FROM (
                SELECT (array_agg(j.type ORDER BY j.employee_order DESC, j.id DESC) FILTER (WHERE j.type <> \(HREvent.Kind.changed)))[1] AS latest
                FROM jobs j
                WHERE j.created_at <= now() - make_interval(secs => \(windowSeconds))
                  AND NOT \(fragment: HoldDecision.voided("j"))
                GROUP BY j.employee_id
            ) e
            WHERE e.latest IS DISTINCT FROM \(HREvent.Kind.offboarding)
            """
        ).rows
        return try rows[0].decode(Int.self, column: "known")
    }
}
