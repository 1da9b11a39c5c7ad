import Foundation
import RosterCore
import RosterPostgres

/// Reads what HR says every known employee should have (``DesiredAccess``), from the events and
/// jobs Roster already holds: the employee's latest HR event decides (jobs reconciliation made
/// never do), and an event whose job was cancelled does not count.
///
/// Two round trips whatever the number of employees: the events' positions and addresses first
/// (no payloads), then the payloads of the deciding onboardings and changes only, whose grants the
/// planner works out as it would for a job.
struct DesiredStateReader: Sendable {
    let pool: PostgresPool
    let planner: JobPlanner

    /// Every employee with at least one HR event.
    func employees() async throws -> [Reconciliation.Employee] {
        struct Row {
            var event: DesiredAccess.Event
            var address: String?
        }
        var histories: [String: [Row]] = [:]
        var busy = Set<String>()
        for row in try await pool.query(
            """
            SELECT j.employee_id, j.event_id, j.type, j.employee_order, j.employee_sequence, j.status, j.origin,
                   lower(e.payload->'data'->'employee'->>'email') AS address
            FROM jobs j LEFT JOIN events e ON e.event_id = j.event_id
            """
        ).rows {
            let employee = try row.decode(String.self, column: "employee_id")
            let status = try row.decode(JobStatus.self, column: "status")
            if !status.isFinished { busy.insert(employee) }
            guard try row.decode(JobOrigin.self, column: "origin") == .hr else { continue }
            let kind = try row.decode(HREvent.Kind.self, column: "type")
            let event = DesiredAccess.Event(
                eventID: try row.decode(String.self, column: "event_id"), kind: kind,
                position: EmployeePosition(
                    arrival: try row.decode(Int64.self, column: "employee_order"),
                    sequence: try row.decode(Int64?.self, column: "employee_sequence")
                ),
                grants: kind == .offboarding ? [] : nil, isVoided: status == .cancelled
            )
            histories[employee, default: []].append(
                Row(event: event, address: try row.decode(String?.self, column: "address")))
        }
        // The deciding event of each employee; only onboardings and changes need their payloads.
        var deciding: [String: DesiredAccess.Event] = [:]
        for (employee, rows) in histories {
            guard let latest = DesiredAccess.latestEvent(of: rows.map(\.event).filter { !$0.isVoided }),
                latest.kind != .offboarding
            else { continue }
            deciding[employee] = latest
        }
        let grants = try await grants(of: deciding.values.map(\.eventID))
        return histories.keys.sorted().compactMap { employee -> Reconciliation.Employee? in
            let rows = histories[employee] ?? []
            let events = rows.map { row in
                var event = row.event
                if event.kind != .offboarding { event.grants = grants[event.eventID] ?? nil }
                return event
            }
            guard let access = DesiredAccess.of(events) else { return nil }
            return Reconciliation.Employee(
                id: employee, addresses: Set(rows.compactMap(\.address)), access: access,
                hasUnfinishedJob: busy.contains(employee)
            )
        }
    }

    /// The grants of each event, as the planner works them out; `nil` for an event that cannot be
    /// planned (an unknown vendor or role).
    private func grants(of eventIDs: [String]) async throws -> [String: [AccessGrant]?] {
        guard !eventIDs.isEmpty else { return [:] }
        var grants: [String: [AccessGrant]?] = [:]
        let decoder = HREventDecoder()
        for row in try await pool.query(
            "SELECT event_id, payload::text AS payload FROM events WHERE event_id = ANY(\(eventIDs)::text[])"
        ).rows {
            let id = try row.decode(String.self, column: "event_id")
            let event = try? decoder.decode(Array(try row.decode(String.self, column: "payload").utf8))
            grants[id] = event.flatMap { try? planner.desiredGrants(for: $0) }
        }
        return grants
    }

    /// The projects Roster manages at each vendor: named by the policy or by any recorded event.
    func managedProjects() async throws -> [String: Set<String>] {
        var projects: [String: Set<String>] = [:]
        for rule in planner.configuration.policy {
            for grant in rule.grant { projects[grant.vendor, default: []].insert(grant.project) }
        }
        for row in try await pool.query(
            """
            SELECT DISTINCT a->>'vendor' AS vendor, a->>'project' AS project
            FROM events e
            CROSS JOIN LATERAL jsonb_array_elements(
                CASE WHEN jsonb_typeof(e.payload->'data'->'access') = 'array' THEN e.payload->'data'->'access' ELSE '[]'::jsonb END
            ) AS a
            WHERE e.source <> \(JobOrigin.reconcileSource)
            """
        ).rows {
            guard let vendor = try row.decode(String?.self, column: "vendor"),
                let project = try row.decode(String?.self, column: "project")
            else { continue }
            projects[vendor, default: []].insert(project)
        }
        return projects
    }
}
