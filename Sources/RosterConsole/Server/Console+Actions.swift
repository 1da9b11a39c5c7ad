import Foundation
import Hummingbird
import RosterCore
import RosterWorker

extension Console {
    /// Replay and cancel (single or bulk) and dead-letter replay. Each is a GET that shows the dry
    /// run (reads only) and a POST that does it: CSRF-checked by the middleware, refused in
    /// read-only mode and without a reason, and carried out by the CLI's own ``JobReplayer``,
    /// ``JobCanceller`` and ``DeadLetterReplayer`` (same guards, same audit rows).
    func addActionRoutes(to router: Router<ConsoleContext>) {
        router.get("actions/preview") { request, context in
            try refuseIfReadOnly()
            let action = try await JobAction.read(
                ConsoleContext.query(request), reader: JobReader(pool: pool), bulkLimit: configuration.bulkLimit)
            let pages = try await dryRun(action, context: context)
            return ConsoleResponse.page(
                layout(
                    "\(action.kind.verb): dry run", .jobs, context,
                    pages.preview(csrfToken: context.session?.csrfToken ?? "", error: nil, reason: nil)))
        }
        for kind in [JobAction.Kind.replay, .cancel] {
            router.post("actions/\(kind.rawValue)") { _, context in
                try refuseIfReadOnly()
                let form = context.form.setting("do", nil)
                let action = try await JobAction.read(
                    form, kind: kind, reader: JobReader(pool: pool), bulkLimit: configuration.bulkLimit)
                let reason = form["reason"] ?? ""
                let confirmed = form["confirm"] == "yes"
                func again(_ problem: String) async throws -> Response {
                    let pages = try await dryRun(action, context: context)
                    let html = pages.preview(
                        csrfToken: context.session?.csrfToken ?? "", error: problem, reason: reason)
                    return ConsoleResponse.page(
                        layout("\(action.kind.verb): dry run", .jobs, context, html), status: .badRequest)
                }
                guard !reason.isEmpty else {
                    return try await again("A reason is required: say why. Nothing was changed.")
                }
                if action.needsConfirmation, !confirmed {
                    return try await again("Tick \"Yes\" to confirm: this needs the CLI's --yes. Nothing was changed.")
                }
                let operatorAction = try operatorAction(context, reason: reason)
                let pages: JobActionPages
                do {
                    switch kind {
                    case .replay:
                        let outcomes = try await JobReplayer(pool: pool, configuration: roster)
                            .replay(
                                action.jobs, options: .init(fromStart: action.fromStart), by: operatorAction,
                                confirmed: confirmed)
                        pages = JobActionPages(action: action, replays: outcomes)
                    case .cancel:
                        let outcomes = try await JobCanceller(pool: pool).cancel(
                            action.jobs, dryRun: false, by: operatorAction, confirmed: confirmed)
                        pages = JobActionPages(action: action, cancels: outcomes)
                    }
                } catch let error as OperationsError where error.code == .refused {
                    return try await again(error.message)
                }
                return ConsoleResponse.page(
                    layout(
                        "\(kind.verb): done", .jobs, context,
                        pages.result(operatorName: operatorAction.name, reason: operatorAction.reason)))
            }
        }
        router.get("dead-letters/:id/replay") { _, context in
            try refuseIfReadOnly()
            let id = try Self.id(context)
            let preview = try await Self.found {
                try await DeadLetterReplayer(pool: pool, configuration: roster).replay(
                    id, payload: nil, dryRun: true, by: try previewAction(context))
            }
            let html = DeadLetterReplayPage(id: id, outcome: preview).preview(
                csrfToken: context.session?.csrfToken ?? "", error: nil, reason: nil)
            return ConsoleResponse.page(layout("Replay dead letter \(id)", .deadLetters, context, html))
        }
        router.post("dead-letters/:id/replay") { _, context in
            try refuseIfReadOnly()
            let id = try Self.id(context)
            let replayer = DeadLetterReplayer(pool: pool, configuration: roster)
            guard let reason = context.form["reason"] else {
                let preview = try await Self.found {
                    try await replayer.replay(id, payload: nil, dryRun: true, by: try previewAction(context))
                }
                let html = DeadLetterReplayPage(id: id, outcome: preview)
                    .preview(
                        csrfToken: context.session?.csrfToken ?? "",
                        error: "A reason is required: say why. Nothing was changed.", reason: nil)
                return ConsoleResponse.page(
                    layout("Replay dead letter \(id)", .deadLetters, context, html), status: .badRequest)
            }
            let action = try operatorAction(context, reason: reason)
            let outcome = try await Self.found {
                try await replayer.replay(id, payload: nil, dryRun: false, by: action)
            }
            let html = DeadLetterReplayPage(id: id, outcome: outcome).result(
                operatorName: action.name, reason: action.reason)
            return ConsoleResponse.page(layout("Dead letter \(id) replayed", .deadLetters, context, html))
        }
    }

    private func refuseIfReadOnly() throws {
        if configuration.readOnly {
            throw ConsolePageError.forbidden(
                "this console is read-only (--read-only): replays and cancellations are done elsewhere")
        }
    }

    /// The dry run of `action`, with the jobs as they are now.
    private func dryRun(_ action: JobAction, context: ConsoleContext) async throws -> JobActionPages {
        let who = try previewAction(context)
        switch action.kind {
        case .replay:
            let outcomes = try await JobReplayer(pool: pool, configuration: roster)
                .replay(
                    action.jobs, options: .init(fromStart: action.fromStart, dryRun: true), by: who, confirmed: false)
            return JobActionPages(action: action, replays: outcomes)
        case .cancel:
            return JobActionPages(
                action: action,
                cancels: try await JobCanceller(pool: pool).cancel(action.jobs, dryRun: true, by: who, confirmed: false)
            )
        }
    }

    /// Who acts and why, for the audit log.
    private func operatorAction(_ context: ConsoleContext, reason: String) throws -> OperatorAction {
        guard let name = context.session?.operatorName else {
            throw ConsolePageError.forbidden("who is acting? start the console with --operator NAME (or sign in)")
        }
        do {
            return try OperatorAction(name: name, reason: reason, environment: [:])
        } catch {
            throw ConsolePageError.badRequest(error.message)
        }
    }

    /// A dry run records nothing; the operator types the reason when confirming.
    private func previewAction(_ context: ConsoleContext) throws -> OperatorAction {
        try OperatorAction(name: context.session?.operatorName ?? "console", reason: "dry run", environment: [:])
    }
}
