import RosterCore

extension OperationRendering {
    /// `roster holds list` as a table: id, employee id, the HR event's time, held since, why.
    public static func holds(_ jobs: [HeldJob], total: Int, colour: Bool) -> String {
        guard !jobs.isEmpty else { return "no jobs are held by the mass-offboarding brake\n" }
        var table = TextTable(["ID", "EMPLOYEE", "EVENT TIME", "HELD SINCE", "REASON"], colour: colour)
        for job in jobs {
            table.append([
                String(job.id), job.employeeID, JobRendering.short(job.eventTime), JobRendering.short(job.heldSince),
                job.reason,
            ])
        }
        var out = table.rendered
        if total > jobs.count { out += "… and \(total - jobs.count) more held (--limit)\n" }
        out += "\(total) held; decide with roster holds release|cancel (IDS or --all) --reason …\n"
        return out
    }

    /// `roster holds release|cancel` as lines, one per job, and a total.
    public static func holdDecisions(_ outcomes: [JobHolds.Outcome], decision: HoldDecision, dryRun: Bool) -> String {
        let verb = decision == .released ? "release" : "cancel"
        guard !outcomes.isEmpty else { return "no jobs are held; nothing to \(verb)\n" }
        var out = ""
        for o in outcomes {
            let job = "job \(o.jobID) (\(o.kind.shortName), employee \(o.employeeID))"
            switch o.result {
            case .refused(let why):
                out += "refused \(job): \(why)\n"
            case .decided:
                out +=
                    decision == .released ? "released \(job): queued\n" : "cancelled \(job): void, it revokes nothing\n"
            case .wouldDecide:
                out += "would \(verb) \(job)\n"
            }
            if decision == .cancelled, !o.isRefused, !o.supersededJobIDs.isEmpty {
                let ids = o.supersededJobIDs.map(String.init).joined(separator: " ")
                out +=
                    "  it had ended jobs \(ids) of the employee; bring them back with roster replay \(ids) --reason …\n"
            }
        }
        let done = outcomes.count { !$0.isRefused }
        let past = decision == .released ? "released" : "cancelled"
        out +=
            dryRun
            ? "dry run: \(done) of \(outcomes.count) would be \(past); nothing changed\n"
            : "\(done) of \(outcomes.count) \(past)\n"
        return out
    }
}
