import Foundation
import RosterCore

/// The table form of `roster replay`, `roster cancel`, `roster holds …` and `roster dlq …`.
public enum OperationRendering {
    /// `roster replay` as lines: each job's result and the calls it makes, then a total.
    public static func replay(_ outcomes: [JobReplayer.Outcome], dryRun: Bool, fromStart: Bool) -> String {
        guard !outcomes.isEmpty else { return "no jobs match; nothing to replay\n" }
        var out = ""
        for o in outcomes {
            let job =
                "job \(o.job.id) (\(o.job.kind.shortName), employee \(o.job.employeeID), \(o.job.status.rawValue))"
            switch o.result {
            case .refused(let why):
                out += "refused \(job): \(why)\n"
                continue
            case .replayed:
                let from =
                    fromStart
                    ? "from the start (re-planned)"
                    : o.job.resumePoint.map { "from step \($0.position) \($0.name) at \($0.vendor)" }
                        ?? "(planned on its next claim)"
                out += "replayed \(job) \(from): queued\n"
            case .wouldReplay:
                out += "would replay \(job)\(fromStart ? " from the start" : ""); it would make these calls:\n"
            }
            if o.calls.isEmpty {
                out += "  (no vendor calls: nothing left to do)\n"
            } else {
                for call in o.calls { out += "  \(call.position.map { "\($0). " } ?? "")\(call.description)\n" }
            }
        }
        let done = outcomes.count { !$0.isRefused }
        out +=
            dryRun
            ? "dry run: \(done) of \(outcomes.count) job\(outcomes.count == 1 ? "" : "s") would be replayed; nothing changed\n"
            : "\(done) of \(outcomes.count) job\(outcomes.count == 1 ? "" : "s") replayed\n"
        return out
    }

    /// `roster cancel` as lines, one per job, then a total.
    public static func cancel(_ outcomes: [JobCanceller.Outcome], dryRun: Bool) -> String {
        guard !outcomes.isEmpty else { return "no jobs match; nothing to cancel\n" }
        var out = ""
        for o in outcomes {
            let job =
                "job \(o.job.id) (\(o.job.kind.shortName), employee \(o.job.employeeID), \(o.job.status.rawValue))"
            switch o.result {
            case .cancelled: out += "cancelled \(job)\n"
            case .stopping(let worker):
                out +=
                    "cancelled \(job): worker \(worker) stops before its next step (the call in flight completes and is recorded)\n"
            case .wouldCancel: out += "would cancel \(job)\n"
            case .refused(let why): out += "refused \(job): \(why)\n"
            }
        }
        let done = outcomes.count { !$0.isRefused }
        out +=
            dryRun
            ? "dry run: \(done) of \(outcomes.count) would be cancelled; nothing changed\n"
            : "\(done) of \(outcomes.count) cancelled\n"
        return out
    }

    /// `roster dlq list` as a table, one line per dead letter (never the payload).
    public static func deadLetters(_ letters: [DeadLetterRecord], colour: Bool) -> String {
        guard !letters.isEmpty else { return "no dead letters match\n" }
        var table = TextTable(["ID", "STATUS", "CODE", "CREATED", "SOURCE", "EVENT", "REASON"], colour: colour)
        for l in letters {
            table.append([
                String(l.id), l.status, l.code, JobRendering.short(l.createdAt),
                "\(l.topic)[\(l.partition)]@\(l.offset)",
                l.eventID ?? "-", l.replayRejection.map { "replay rejected: \($0)" } ?? l.reason,
            ])
        }
        return table.rendered
    }

    /// `roster dlq show` as lines: origin, reason, last replay; the payload only as a size.
    public static func deadLetter(_ l: DeadLetterRecord) -> String {
        var out = "Dead letter \(l.id)  \(l.status)  \(l.code)\n"
        out += "  from \(l.topic)[\(l.partition)]@\(l.offset), recorded \(l.createdAt.rfc3339), \(l.value.count) bytes"
        out += l.headerKeys.isEmpty ? "\n" : ", headers: \(l.headerKeys.joined(separator: ", "))\n"
        out += "  event id: \(l.eventID ?? "unknown")\n  reason: \(l.reason)\n"
        if let resolution = l.resolution {
            out += "  resolution: \(resolution)\(l.resolvedAt.map { " at \($0.rfc3339)" } ?? "")\n"
        }
        if l.replayAttempts > 0 {
            out +=
                "  last replay: \(l.replayedAt?.rfc3339 ?? "-") by \(l.replayOperator ?? "-") (\(l.replayReason ?? "")): \(l.replayOutcome ?? "-")"
            out += l.replayCorrected == true ? " with a corrected payload" : ""
            out += l.replayRejection.map { " — \($0)" } ?? ""
            out += "; \(l.replayAttempts) replay\(l.replayAttempts == 1 ? "" : "s") in all\n"
        }
        out +=
            "  the payload is not printed (personal data): roster dlq show \(l.id) --save-payload FILE writes it to a file\n"
        return out
    }

    /// `roster dlq replay` for one dead letter, with what to do next when it was rejected.
    public static func deadLetterReplay(_ o: DeadLetterReplayer.Outcome) -> String {
        switch o.result {
        case .jobCreated(let event, let job, let status):
            return "dead letter \(o.deadLetterID) re-ingested as event \(event): job \(job) (\(status))\n"
                + (status == "cancelled"
                    ? "  the job was created cancelled: the employee's offboarding is more recent\n" : "")
                + (status == JobStatus.held.rawValue
                    ? "  the job was created held by the mass-offboarding brake: see roster holds list\n" : "")
        case .duplicate(let event, let job):
            return
                "dead letter \(o.deadLetterID): event \(event) was already in the inbox (job \(job.map(String.init) ?? "-")); marked replayed, nothing new\n"
        case .rejected(let why):
            return
                "dead letter \(o.deadLetterID) was rejected again: \(why)\n  fix the configuration or pass a corrected --payload FILE\n"
        case .wouldCreate(let event, let type, let employee, let calls):
            var out =
                "dry run: dead letter \(o.deadLetterID) would become event \(event), a \(type) job for employee \(employee); nothing changed\n"
            for call in calls { out += "  \(call.position.map { "\($0). " } ?? "")\(call.description)\n" }
            return out
        case .wouldBeDuplicate(let event):
            return
                "dry run: dead letter \(o.deadLetterID) decodes, but event \(event) is already in the inbox; nothing changed\n"
        case .refused(let why):
            return "refused: \(why)\n"
        }
    }
}
