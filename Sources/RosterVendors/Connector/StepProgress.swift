import RosterCore

/// A running step's recovery point: the ``StepState`` so far, saved through the
/// ``StepContext`` after every confirmed mutation together with its ``AuditRecord``.
///
/// Connectors keep one per ``VendorConnector/run(_:for:context:)`` call and never touch
/// `context.checkpoint` or `context.audit` directly, so "checkpoint, then audit" happens in one
/// place and in one order.
struct StepProgress {
    /// The context the engine handed to the step.
    let context: StepContext
    /// What the step has learned and done, including earlier attempts.
    private(set) var state: StepState

    init(context: StepContext) {
        self.context = context
        self.state = context.state
    }

    /// Saves an id learned by looking (no mutation), so that a retried attempt skips the lookup.
    /// Does nothing when the state already holds it.
    mutating func learn(_ key: StepStateKey, _ value: String) async throws {
        guard state[key] != value else { return }
        state[key] = value
        try await context.checkpoint(state)
    }

    /// ``learn(_:_:)`` under a key spelled as a string (connectors not yet on ``StepStateKey``).
    mutating func learn(_ key: String, _ value: String) async throws {
        try await learn(StepStateKey(rawValue: key), value)
    }

    /// Records a mutation the vendor confirmed: applies `update` to the state, checkpoints it,
    /// then appends `record` to the audit log.
    mutating func record(_ record: AuditRecord, update: (inout StepState) -> Void = { _ in }) async throws {
        update(&state)
        try await context.checkpoint(state)
        try await context.audit(record)
    }

    /// Checkpoints the state after `update` without an audit record (a plan about to be carried
    /// out, such as the grants a replacement invite must carry).
    mutating func save(_ update: (inout StepState) -> Void) async throws {
        var next = state
        update(&next)
        guard next != state else { return }
        state = next
        try await context.checkpoint(state)
    }
}

/// What a DELETE found: the thing (``AuditOutcome/done``), or nothing any more
/// (``AuditOutcome/alreadyGone``).
typealias DeleteOutcome = AuditOutcome

extension AuditOutcome {
    /// Runs `delete`; a 404 answering it (``VendorError/isAlreadyGone``) counts as success.
    ///
    /// - Throws: Any other error from `delete`.
    static func of(_ delete: () async throws -> Void) async throws -> AuditOutcome {
        do {
            try await delete()
            return .done
        } catch let error as VendorError where error.isAlreadyGone {
            return .alreadyGone
        }
    }
}

extension VendorError {
    /// A step the connector cannot carry out as planned (unknown role, missing project name):
    /// permanent, because retrying the same step cannot fix it.
    static func invalidStep(_ message: String, vendor: String, file: String = #fileID, line: Int = #line) -> VendorError
    {
        VendorError(
            code: .unexpected,
            message: message,
            classification: .permanent,
            vendor: vendor,
            file: file,
            line: line
        )
    }
}

extension VendorStep {
    /// The step's project name, or a permanent error when the plan left it out.
    func requiredProject(vendor: String) throws -> String {
        guard let project, !project.isEmpty else {
            throw VendorError.invalidStep("\(name) needs a project name", vendor: vendor)
        }
        return project
    }

    /// The grants of a `reconcile` step, refusing grants that name another vendor instance
    /// (a mis-planned step must not remove access because its grants were meant elsewhere).
    func reconcileGrants(instance: String) throws -> [AccessGrant] {
        let grants = grants ?? []
        if let stray = grants.first(where: { $0.vendor != vendor }) {
            throw VendorError.invalidStep(
                "reconcile for \(vendor) got a grant for \(stray.vendor)",
                vendor: instance
            )
        }
        return grants
    }
}
