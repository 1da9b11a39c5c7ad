import Foundation
import RosterCore

/// The table form of `roster jobs list` and `roster jobs show`.
public enum JobRendering {
    /// One line per job, newest first.
    public static func list(_ jobs: [JobRecord], colour: Bool) -> String {
        guard !jobs.isEmpty else { return "no jobs match\n" }
        var table = TextTable(
            ["ID", "STATUS", "TYPE", "EMPLOYEE", "EVENT", "STEPS", "ATTEMPTS", "UPDATED", "LAST ERROR"], colour: colour)
        for job in jobs {
            let done = job.steps.count { $0.isDone }
            table.append([
                String(job.id), job.status.rawValue, job.kind.shortName, job.employeeID, job.eventID,
                job.steps.isEmpty ? "-" : "\(done)/\(job.steps.count)", String(job.attempts), short(job.updatedAt),
                job.status == .cancelled
                    ? (job.cancelReason ?? "") : job.status == .held ? (job.holdReason ?? "") : (job.lastError ?? ""),
            ])
        }
        return table.rendered
    }

    /// The job, its event, its plan and its timeline.
    public static func show(_ detail: JobDetail, colour: Bool) -> String {
        let job = detail.job
        var out =
            "Job \(job.id)  \(Terminal.status(job.status.rawValue, raw: job.status.rawValue, colour))  \(job.kind.shortName) for employee \(job.employeeID)\n"
        out += "  created \(job.createdAt.rfc3339), updated \(job.updatedAt.rfc3339)"
        out += job.finishedAt.map { ", finished \($0.rfc3339)" } ?? ""
        out += "; claimed \(job.attempts) time\(job.attempts == 1 ? "" : "s")\n"
        if let error = job.lastError { out += "  last error: \(error)\n" }
        if let reason = job.cancelReason { out += "  cancelled: \(reason)\n" }
        if let reason = job.holdReason {
            let decided =
                job.holdDecision.map { " (\($0.rawValue) by an operator: see the timeline)" }
                ?? " (roster holds release|cancel)"
            out += "  held: \(reason)\(decided)\n"
        }
        if job.status == .retrying || job.status == .queued { out += "  runs after \(job.runAfter.rfc3339)\n" }
        if let owner = job.leaseOwner { out += "  held by worker \(owner)\n" }
        if let event = detail.event {
            out += "\nEvent \(event.id)  \(event.type) at \(event.time.rfc3339) from \(event.source)\n"
            out += "  received \(event.receivedAt.rfc3339) from \(event.topic)[\(event.partition)]@\(event.offset)"
            out += event.sequence.map { ", sequence \($0)" } ?? ""
            out += event.deliveries > 1 ? ", delivered \(event.deliveries) times" : ""
            out += "\n"
            if let access = event.access {
                out +=
                    "  access requested: "
                    + (access.isEmpty
                        ? "none" : access.map { "\($0.vendor)/\($0.project) as \($0.role)" }.joined(separator: ", "))
                    + "\n"
            } else {
                out += "  access: decided by the configured policy\n"
            }
        }
        out += "\nPlan\n"
        if job.steps.isEmpty {
            out += "  (not planned yet: the executor plans a job when it first claims it)\n"
        } else {
            var table = TextTable(
                ["#", "STEP", "VENDOR", "TARGET", "STATUS", "ATTEMPTS", "VENDOR IDS", "LAST ERROR"], colour: colour)
            for step in job.steps {
                let target = [step.step.project, step.step.role].compactMap { $0 }.joined(separator: " as ")
                let ids =
                    step.state.values.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                    + step.state.lists.sorted { $0.key < $1.key }.map {
                        "\($0.key)=[\($0.value.joined(separator: ","))]"
                    }
                table.append([
                    String(step.position), step.name, step.vendor, target.isEmpty ? "-" : target, step.status.rawValue,
                    String(step.attempts), ids.isEmpty ? "-" : ids.joined(separator: " "),
                    step.lastError ?? (step.residual.map { "residual: \($0)" } ?? ""),
                ])
            }
            out += indent(table.rendered)
        }
        out += "\nTimeline\n"
        var timeline = TextTable(["TIME", "KIND", "VENDOR", "WHAT"], colour: colour)
        timeline.maximumCellWidth = 160
        for entry in detail.timeline {
            timeline.append([entry.at.rfc3339, entry.kind, entry.vendor ?? "", entry.text])
        }
        out += indent(timeline.rendered)
        return out
    }

    /// `2026-11-24T10:00:03Z`: seconds, no fraction, for tables.
    static func short(_ time: Timestamp) -> String {
        Timestamp(
            microsecondsSince1970: time.microsecondsSince1970 - ((time.microsecondsSince1970 % 1_000_000) + 1_000_000)
                % 1_000_000
        ).rfc3339
    }

    static func indent(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : "  " + $0 }.joined(
            separator: "\n")
    }
}
