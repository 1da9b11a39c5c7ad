import Foundation
import RosterFakes

/// Invariants 3, 4 and 5, read from the fakes' final state and call logs.
struct NemesisVendorChecks {
    let environment: NemesisEnvironment
    let model: NemesisModel
    let records: NemesisRecords
    /// Lowercased address → employee id, for everyone the nemesis published (invalid ones too).
    let employeeByEmail: [String: String]

    init(environment: NemesisEnvironment, model: NemesisModel, records: NemesisRecords) {
        self.environment = environment
        self.model = model
        self.records = records
        var map: [String: String] = [:]
        for event in environment.planEmployees { map[Self.email(event)] = event }
        employeeByEmail = map
    }

    static func email(_ employee: String) -> String { "\(employee.lowercased())@example.com" }

    /// Invariant 3: each employee's access is exactly what the model says; leavers have nothing.
    mutating func checkFinalState(_ report: inout NemesisReport) {
        let openai = environment.openai.snapshot
        let posthog = environment.posthog.snapshot
        let projectNames = Dictionary(openai.projects.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        var leavers = 0
        for employee in environment.planEmployees {
            let email = Self.email(employee)
            let expected = model.expected[employee] ?? NemesisModel.Access()
            if expected.isLeaver { leavers += 1 }
            var problems: [String] = []
            // OpenAI: nobody accepts, so one pending invite naming exactly the projects, or nothing.
            let users = openai.users.filter { $0.email?.lowercased() == email }
            let userIDs = Set(users.map(\.id))
            if !users.isEmpty { problems.append("openai: \(users.count) organization member(s)") }
            let memberships = openai.memberships.filter { userIDs.contains($0.userID) }
            if !memberships.isEmpty { problems.append("openai: \(memberships.count) project membership(s)") }
            let keys = openai.apiKeys.filter { $0.ownerUserID.map(userIDs.contains) ?? false }
            if !keys.isEmpty { problems.append("openai: \(keys.count) API key(s)") }
            let invites = openai.invites.filter { $0.status == .pending && $0.email.lowercased() == email }
            if expected.openAI.isEmpty {
                if !invites.isEmpty { problems.append("openai: \(invites.count) pending invite(s), expected none") }
            } else if invites.count != 1 {
                problems.append(
                    "openai: \(invites.count) pending invites, expected 1 granting \(expected.openAI.sorted { $0.key < $1.key })"
                )
            } else {
                var actual: [String: String] = [:]
                for grant in invites[0].projects ?? [] {
                    actual[projectNames[grant.projectID] ?? grant.projectID] = grant.role
                }
                if actual != expected.openAI {
                    problems.append(
                        "openai: invite grants \(actual.sorted { $0.key < $1.key }), expected \(expected.openAI.sorted { $0.key < $1.key })"
                    )
                }
            }
            // PostHog: one pending invite at the highest granted level, or nothing.
            let members = posthog.members.filter { $0.user.email.lowercased() == email }
            if !members.isEmpty { problems.append("posthog: \(members.count) organization member(s)") }
            let pending = posthog.invites.filter { $0.targetEmail.lowercased() == email }
            if let level = expected.postHogLevel {
                if pending.count != 1 {
                    problems.append("posthog: \(pending.count) invites, expected 1 at level \(level)")
                } else if pending[0].level != level || !pending[0].privateProjectAccess.isEmpty {
                    problems.append(
                        "posthog: invite at level \(pending[0].level) with \(pending[0].privateProjectAccess.count) private project(s), expected level \(level) and none"
                    )
                }
            } else if !pending.isEmpty {
                problems.append("posthog: \(pending.count) invite(s), expected none")
            }
            if !problems.isEmpty {
                report.failures.append(
                    NemesisFailure(
                        invariant: "final access", employee: employee,
                        message: "expected \(expected); found: \(problems.joined(separator: "; "))"))
            }
        }
        for (vendor, names) in [
            ("openai", openai.projects.filter { !$0.isArchived }.map(\.name)),
            ("posthog", posthog.projects.map(\.name)),
        ] {
            var counts: [String: Int] = [:]
            for name in names { counts[name, default: 0] += 1 }
            for (name, count) in counts where count > 1 {
                report.failures.append(
                    NemesisFailure(
                        invariant: "final access", employee: nil,
                        message: "\(vendor) holds \(count) projects named \(name)"))
            }
        }
        report.checked.append(
            ("3 final access equals the model (\(leavers) leavers hold nothing)", environment.planEmployees.count))
    }

    /// Invariant 4: no create repeated for one target. An invite creation is a repeat when the
    /// address already had a pending invite granting the same; a project creation when the name
    /// was created before. A repeat whose earlier call outlived the client's deadline (an
    /// injected timeout: applied, unseen) is noted, not failed: no client can know of it.
    mutating func checkRepeats(_ report: inout NemesisReport) {
        var checked = 0
        var excused = 0
        for vendor in NemesisPlan.vendors {
            let calls = NemesisCalls(vendor: vendor, log: environment.fake(vendor).calls)
            var pending: [String: NemesisCalls.InviteCreate] = [:]
            var projects: [String: FakeCall] = [:]
            for mutation in calls.mutations {
                switch mutation {
                case .createInvite(let creates):
                    for create in creates {
                        checked += 1
                        let same = pending.values.first { $0.email == create.email && $0.content == create.content }
                        if let earlier = same {
                            if Self.timedOut(earlier.call) {
                                excused += 1
                            } else {
                                report.failures.append(
                                    NemesisFailure(
                                        invariant: "no repeated create", employee: employeeByEmail[create.email],
                                        message:
                                            "\(vendor): invite created again (call \(create.call.id)) while an identical one was pending (call \(earlier.call.id))"
                                    ))
                            }
                        }
                        // PostHog replaces an address's invites; OpenAI refuses a second pending one.
                        if vendor == "posthog" { pending = pending.filter { $0.value.email != create.email } }
                        pending[create.inviteID ?? "call-\(create.call.id)-\(create.email)"] = create
                    }
                case .deleteInvite(let id, _):
                    pending.removeValue(forKey: id)
                case .createProject(let name, let call):
                    checked += 1
                    if let earlier = projects[name] {
                        if Self.timedOut(earlier) {
                            excused += 1
                        } else {
                            report.failures.append(
                                NemesisFailure(
                                    invariant: "no repeated create", employee: nil,
                                    message:
                                        "\(vendor): project \(name) created again (call \(call.id), first call \(earlier.id))"
                                ))
                        }
                    } else {
                        projects[name] = call
                    }
                }
            }
        }
        if excused > 0 {
            report.notes.append(
                "\(excused) repeated create(s) after a call that outlived the client's deadline (injected timeout)")
        }
        report.checked.append(("4 no repeated create", checked))
    }

    static func timedOut(_ call: FakeCall) -> Bool {
        guard let finished = call.finishedAt else { return true }
        return finished - call.receivedAt >= .seconds(29)
    }

    /// Invariant 5: no invite created for someone after their offboarding started, unless a
    /// rehire's job started before it. The call's time is when the fake answered (applied) it.
    mutating func checkLeaverGrants(_ report: inout NemesisReport) {
        let jobsByEmployee = Dictionary(grouping: records.jobs, by: \.employee)
        var checked = 0
        for vendor in NemesisPlan.vendors {
            for case .createInvite(let creates) in NemesisCalls(vendor: vendor, log: environment.fake(vendor).calls)
                .mutations
            {
                for create in creates {
                    guard let employee = employeeByEmail[create.email] else { continue }
                    checked += 1
                    let at = environment.date(of: create.call, applied: true)
                    let jobs = jobsByEmployee[employee] ?? []
                    for leaver in jobs where leaver.type == "offboarding" && leaver.started <= at {
                        let rehired = jobs.contains {
                            $0.type == "onboarding" && $0.order > leaver.order && $0.started <= at
                        }
                        if !rehired {
                            let late = String(format: "%.3f", at.timeIntervalSince(leaver.started))
                            report.failures.append(
                                NemesisFailure(
                                    invariant: "no grant after offboarding", employee: employee,
                                    message:
                                        "\(vendor): invite created (call \(create.call.id)) \(late) s after offboarding job \(leaver.id) started, with no rehire since"
                                ))
                        }
                    }
                }
            }
        }
        report.checked.append(("5 no grant after offboarding", checked))
    }
}
