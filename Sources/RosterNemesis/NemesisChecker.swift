import Foundation

/// The invariants checked after quiet:
///
/// 1. every valid event has exactly one job, every invalid message exactly one dead letter;
/// 2. every job is terminal: `succeeded`, `cancelled` with its reason, or else a failure (a
///    `dead` job is one: retry budgets are sized so that injected faults never exhaust them);
/// 3. the fakes hold exactly what ``NemesisModel`` says (``NemesisVendorChecks``);
/// 4. no create (project, invite) repeated for one target, from the fakes' call logs;
/// 5. no granting call for a leaver after their offboarding started, unless rehired since;
/// 6. every succeeded offboarding has its time to revoke recorded.
struct NemesisChecker {
    let environment: NemesisEnvironment
    let databaseURL: String
    let plan: NemesisPlan

    func check() async throws -> NemesisReport {
        let records = try await NemesisRecords.read(databaseURL: databaseURL)
        let model = NemesisModel(events: plan.allEvents)
        var report = NemesisReport(
            seed: plan.seed, plannedSeconds: plan.durationSeconds, fingerprint: plan.fingerprint,
            events: Dictionary(plan.eventCounts.map { ($0.key.rawValue, $0.value) }, uniquingKeysWith: +))
        checkJobsPerEvent(records, &report)
        checkStatuses(records, &report)
        var vendors = NemesisVendorChecks(environment: environment, model: model, records: records)
        vendors.checkFinalState(&report)
        vendors.checkRepeats(&report)
        vendors.checkLeaverGrants(&report)
        checkRevocationTimes(records, &report)
        for employee in Set(report.failures.compactMap(\.employee)).sorted().prefix(10) {
            report.histories[employee] = records.history(of: employee)
        }
        return report
    }

    /// Invariant 1.
    private func checkJobsPerEvent(_ records: NemesisRecords, _ report: inout NemesisReport) {
        let events = plan.allEvents
        let valid = Dictionary(events.filter(\.isValid).map { ($0.eventID, $0) }, uniquingKeysWith: { a, _ in a })
        var jobs: [String: Int] = [:]
        for job in records.jobs { jobs[job.eventID, default: 0] += 1 }
        for (id, event) in valid.sorted(by: { $0.key < $1.key }) where jobs[id] != 1 {
            report.failures.append(
                NemesisFailure(
                    invariant: "one job per event", employee: event.employee,
                    message: "event \(id) (\(event.label.rawValue)) has \(jobs[id] ?? 0) jobs"))
        }
        for id in jobs.keys.sorted() where valid[id] == nil {
            report.failures.append(
                NemesisFailure(
                    invariant: "one job per event", employee: nil,
                    message: "job for event \(id), which the nemesis did not publish as valid"))
        }
        var letters: [String: Int] = [:]
        for letter in records.deadLetters { letters[letter.key, default: 0] += 1 }
        let invalid = events.filter { !$0.isValid }
        for event in invalid where letters[event.employee] != 1 {
            report.failures.append(
                NemesisFailure(
                    invariant: "invalid dead-lettered", employee: event.employee,
                    message: "\(event.label.rawValue) message has \(letters[event.employee] ?? 0) dead letters"))
        }
        let strays = records.deadLetters.filter { !$0.key.hasPrefix("BAD") }
        for letter in strays {
            report.failures.append(
                NemesisFailure(
                    invariant: "invalid dead-lettered", employee: letter.key,
                    message: "a valid employee's message was dead-lettered (\(letter.code))"))
        }
        let redelivered = records.events.filter { $0.deliveries > 1 }.count
        report.notes.append("\(redelivered) event(s) delivered more than once and absorbed")
        report.checked.append(("1 one job per valid event, invalid dead-lettered", valid.count + invalid.count))
    }

    /// Invariant 2.
    private func checkStatuses(_ records: NemesisRecords, _ report: inout NemesisReport) {
        var counts: [String: Int] = [:]
        for job in records.jobs {
            counts[job.status, default: 0] += 1
            switch job.status {
            case "succeeded":
                break
            case "cancelled" where !job.cancelReason.isEmpty && job.type != "offboarding":
                break
            case "dead":
                report.failures.append(
                    NemesisFailure(
                        invariant: "terminal", employee: job.employee,
                        message:
                            "job \(job.id) (\(job.type), event \(job.eventID)) is dead after \(job.attempts) attempt(s): \(job.lastError.isEmpty ? "no reason recorded" : job.lastError)"
                    ))
            default:
                report.failures.append(
                    NemesisFailure(
                        invariant: "terminal", employee: job.employee,
                        message:
                            "job \(job.id) (\(job.type), event \(job.eventID)) is \(job.status)\(job.cancelReason.isEmpty ? "" : " (\(job.cancelReason))")\(job.lastError.isEmpty ? "" : ", last error: \(job.lastError)")"
                    ))
            }
        }
        report.notes.append(
            "job statuses: " + counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        )
        report.checked.append(("2 every job terminal", records.jobs.count))
    }

    /// Invariant 6.
    private func checkRevocationTimes(_ records: NemesisRecords, _ report: inout NemesisReport) {
        let offboardings = records.jobs.filter { $0.type == "offboarding" && $0.status == "succeeded" }
        var seconds: [Double] = []
        for job in offboardings {
            guard let value = records.revocationSeconds[job.id] ?? nil else {
                report.failures.append(
                    NemesisFailure(
                        invariant: "time to revoke", employee: job.employee,
                        message: "succeeded offboarding job \(job.id) has no time to revoke"))
                continue
            }
            seconds.append(value)
        }
        if !seconds.isEmpty {
            let sorted = seconds.sorted()
            report.notes.append(
                String(
                    format: "time to revoke: median %.1f s, max %.1f s over %ld offboardings", sorted[sorted.count / 2],
                    sorted.last!, sorted.count))
        }
        report.checked.append(("6 time to revoke recorded", offboardings.count))
    }
}
