import Foundation
import RosterCore

/// What `roster reconcile` prints: per vendor, every finding with its reaction and the job created
/// for it (or, in a dry run, the job that would be), what the pass cost in vendor requests, and
/// what the vendor's API cannot show. Vendor ids and employee ids only: never an address or name.
public struct ReconcileReport: Sendable {
    /// One finding and what was done about it.
    public struct Entry: Sendable {
        /// The difference found between HR and the vendor.
        public var finding: Finding
        /// ``Reaction/fix`` for a leaver's access (unless residual, or a job is already under way)
        /// and, if `reconcile.drift` says so, for drift; ``Reaction/report`` otherwise.
        public var reaction: Reaction
        /// The job asked for (fix reactions only).
        var job: ReactionResult?

        init(finding: Finding, reaction: Reaction, job: ReactionResult? = nil) {
            self.finding = finding
            self.reaction = reaction
            self.job = job
        }

        /// The job created for it.
        public var jobID: Int64? { job?.jobID }

        /// What happened about it, in words: "job 12 queued", "would create an offboarding at
        /// openai", "reported".
        public var outcome: String {
            guard reaction == .fix, let job else { return "reported" }
            if let id = job.jobID { return "job \(id) \(job.status?.rawValue ?? "created")" }
            if let skipped = job.skipped { return "no job: \(skipped)" }
            return
                "would create \(job.request.kind == .offboarding ? "an offboarding" : "a change") at \(job.request.vendor)"
        }

        var json: JSONValue {
            .object([
                "situation": .string(finding.situation.rawValue), "vendor": .string(finding.vendor),
                "employee_id": .text(finding.employeeID), "target": .texts(finding.target),
                "detail": .string(finding.detail),
                "critical": .bool(finding.situation.isCritical), "reaction": .string(reaction.rawValue),
                "job_id": .int(jobID), "job_status": .text(job?.status?.rawValue), "outcome": .string(outcome),
            ])
        }
    }

    /// One vendor's pass.
    public struct VendorPass: Sendable {
        /// The vendor instance listed.
        public var vendor: String
        /// `nil` for a dry run (nothing is stored).
        public var runID: Int64?
        /// The pass's findings, each with its reaction.
        public var entries: [Entry] = []
        /// Requests the pass sent to the vendor.
        public var vendorCalls = 0
        /// What the vendor's API cannot show.
        public var unlisted: [String] = []
        /// Records the vendor returned that Roster could not read.
        public var unreadable = 0
        /// Why the pass failed, if it did (redacted).
        public var error: String?

        init(vendor: String, runID: Int64?) {
            self.vendor = vendor
            self.runID = runID
        }

        /// Jobs this pass created.
        public var jobsCreated: Int { Set(entries.compactMap(\.jobID)).count }

        /// Jobs this dry run would create.
        public var jobsWanted: Int { Set(entries.compactMap { $0.reaction == .fix ? $0.job?.request : nil }).count }

        var json: JSONValue {
            .object([
                "vendor": .string(vendor), "run_id": .int(runID), "vendor_calls": .int(vendorCalls),
                "findings": .array(entries.map(\.json)), "jobs_created": .int(jobsCreated),
                "jobs_wanted": .int(jobsWanted),
                "unlisted": .array(unlisted.map { .string($0) }), "unreadable": .int(unreadable), "error": .text(error),
            ])
        }
    }

    /// Whether nothing was recorded and no job created (`roster reconcile --dry-run`).
    public var dryRun: Bool
    /// One pass per vendor reconciled, in name order.
    public var passes: [VendorPass]

    /// Every finding of every vendor.
    public var entries: [Entry] { passes.flatMap(\.entries) }

    /// `{"dry_run": …, "vendors": [{"vendor": …, "findings": […], …}]}`, the contract of
    /// `roster reconcile --output json`.
    public var json: JSONValue {
        .object(["dry_run": .bool(dryRun), "vendors": .array(passes.map(\.json))])
    }

    /// The report as text for a terminal: per vendor, a summary line, a table of findings and what
    /// the API cannot show; a failed pass shows its error. `colour` colours status cells (ANSI).
    public func rendered(colour: Bool) -> String {
        var out = dryRun ? "Reconciliation (dry run: nothing recorded, no job created)\n" : "Reconciliation\n"
        for pass in passes {
            out += "\n\(pass.vendor): "
            if let error = pass.error {
                out += "FAILED: \(error)\n"
                continue
            }
            out += "\(pass.entries.count) finding\(pass.entries.count == 1 ? "" : "s"), "
            out += dryRun ? "\(pass.jobsWanted) job(s) would be created" : "\(pass.jobsCreated) job(s) created"
            out += ", \(pass.vendorCalls) vendor request\(pass.vendorCalls == 1 ? "" : "s")\n"
            if !pass.entries.isEmpty {
                var table = TextTable(["SITUATION", "EMPLOYEE", "TARGET", "REACTION", "OUTCOME"], colour: colour)
                for entry in pass.entries {
                    let target = entry.finding.target.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(
                        separator: " ")
                    table.append([
                        entry.finding.situation.rawValue, entry.finding.employeeID ?? "-", target,
                        entry.reaction.rawValue, entry.outcome,
                    ])
                }
                out += JobRendering.indent(table.rendered)
            }
            for sentence in pass.unlisted { out += "  not visible through the API: \(sentence)\n" }
            if pass.unreadable > 0 { out += "  \(pass.unreadable) record(s) could not be read\n" }
        }
        return out
    }
}
