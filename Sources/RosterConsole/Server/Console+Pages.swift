import Foundation
import Hummingbird
import RosterCore
import RosterWorker

extension Console {
    /// The read-only pages: overview, jobs, one job, employees, one employee, dead letters, one
    /// dead letter.
    func addPageRoutes(to router: Router<ConsoleContext>) {
        router.get("/") { _, context in
            let now = Self.now
            async let status = StatusReader(pool: pool, configuration: roster, logger: logger).report(
                kafkaTimeout: configuration.kafkaTimeout)
            async let attention = AttentionReport.read(pool: pool)
            async let revocations = RevocationTimes.read(since: now.adding(.seconds(-86_400)), pool: pool)
            let page = OverviewPage(
                status: try await status, attention: try await attention, revocations: try await revocations, now: now)
            return ConsoleResponse.page(layout("Overview", .overview, context, page.html))
        }
        router.get("jobs") { request, context in
            let query = ConsoleContext.query(request)
            let now = Self.now
            let pageSize = min(max(Int(query["limit"] ?? "") ?? 50, 1), 500)
            var jobs: [JobRecord] = []
            var problem: String?
            var status: HTTPResponse.Status = .ok
            do {
                jobs = try await JobReader(pool: pool).list(
                    try JobFilterForm.filter(query, limit: pageSize + 1, now: now))
            } catch let error as OperationsError {
                problem = error.message
                status = .badRequest
            }
            let page = JobsPage(
                query: query, jobs: Array(jobs.prefix(pageSize)), hasMore: jobs.count > pageSize, vendors: vendorNames,
                readOnly: configuration.readOnly, error: problem, now: now
            )
            return ConsoleResponse.page(layout("Jobs", .jobs, context, page.html), status: status)
        }
        router.get("jobs/:id") { _, context in
            let id = try Self.id(context)
            let detail = try await Self.found { try await JobReader(pool: pool).detail(id) }
            let page = JobPage(detail: detail, readOnly: configuration.readOnly, now: Self.now)
            return ConsoleResponse.page(layout("Job \(id)", .jobs, context, page.html))
        }
        router.get("employees") { request, context in
            if let id = ConsoleContext.query(request)["id"] {
                return ConsoleResponse.redirect("/employees/\(FormData.encode(id))")
            }
            async let recent = JobReader(pool: pool).list(JobFilter(types: [.offboarding], limit: 20))
            async let residual = FindingRecord.openResidual(limit: 200, pool: pool)
            let page = EmployeesPage(recentOffboardings: try await recent, residual: try await residual, now: Self.now)
            return ConsoleResponse.page(layout("Employees", .employees, context, page.html))
        }
        router.get("employees/:id") { _, context in
            guard let employee = context.parameters.get("id"), !employee.isEmpty, employee.count <= 200 else {
                throw ConsolePageError.badRequest("an employee id is needed")
            }
            async let jobs = JobReader(pool: pool).list(JobFilter(employee: employee, limit: 500))
            async let audit = AuditReader(pool: pool).report(employee: employee)
            async let findings = FindingRecord.read(employee: employee, pool: pool)
            let page = EmployeePage(
                employeeID: employee, jobs: try await jobs, audit: try await audit, findings: try await findings,
                now: Self.now)
            return ConsoleResponse.page(layout("Employee \(employee)", .employees, context, page.html))
        }
        router.get("dead-letters") { request, context in
            let query = ConsoleContext.query(request)
            var since: Timestamp?
            if let text = query["since"] {
                do { since = try TimeBound.parse(text, now: Self.now) } catch let error as OperationsError {
                    throw ConsolePageError.badRequest(error.message)
                }
            }
            let filter = DeadLetterReader.Filter(
                statuses: query["status"].map { [$0] } ?? [], codes: query["code"].map { [$0] } ?? [], since: since,
                limit: 200
            )
            let letters = try await DeadLetterReader(pool: pool).list(filter)
            return ConsoleResponse.page(
                layout(
                    "Dead letters", .deadLetters, context,
                    DeadLettersPage(query: query, letters: letters, now: Self.now).html))
        }
        router.get("dead-letters/:id") { _, context in
            let id = try Self.id(context)
            let letter = try await Self.found { try await DeadLetterReader(pool: pool).deadLetter(id) }
            let page = DeadLetterPage(letter: letter, readOnly: configuration.readOnly, now: Self.now)
            return ConsoleResponse.page(layout("Dead letter \(id)", .deadLetters, context, page.html))
        }
    }

    /// Configured vendor instances, sorted (the vendor filter's choices).
    var vendorNames: [String] { roster.vendors.keys.sorted() }

    /// The route's numeric `:id`.
    static func id(_ context: ConsoleContext) throws -> Int64 {
        guard let text = context.parameters.get("id"), let id = Int64(text), id > 0 else {
            throw ConsolePageError.badRequest("that is not an id (a positive number)")
        }
        return id
    }

    /// Runs `body`, turning "does not exist" into a 404 page.
    static func found<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as OperationsError where error.code == .notFound {
            throw ConsolePageError.notFound(error.message)
        }
    }
}
