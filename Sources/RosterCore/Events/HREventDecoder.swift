/// Turns Kafka message values into ``HREvent``s, accepting exactly what
/// `schemas/hr-event.v1.schema.json` accepts and reporting every problem with its JSON path.
///
/// Beyond the schema it checks what depends on configuration or on two fields at once: vendors
/// named in `access` must be configured, `subject` must equal `data.employee.id`, and a Kafka key,
/// when present, must be the employee id (it decides the partition, and so the order).
public struct HREventDecoder: Sendable {
    /// Messages larger than this are refused without being parsed. Default 1 MiB.
    public var maximumSize: Int
    /// Configured vendor instance names; `nil` skips the check (e.g. `roster publish` without a config).
    public var knownVendors: Set<String>?

    /// A decoder that refuses messages over `maximumSize` bytes and, when `knownVendors` is given,
    /// grants naming any other vendor instance.
    public init(maximumSize: Int = 1 << 20, knownVendors: Set<String>? = nil) {
        self.maximumSize = maximumSize
        self.knownVendors = knownVendors
    }

    static let maximumIDLength = 256
    static let maximumEmployeeIDLength = 128
    static let maximumGrants = 100

    /// Decodes one message value.
    /// - Parameters:
    ///   - bytes: the message value.
    ///   - key: the Kafka key, if the message had one, as UTF-8.
    /// - Throws: ``EventRejection`` listing every problem.
    public func decode<Bytes: Collection<UInt8>>(_ bytes: Bytes, key: String? = nil) throws(EventRejection) -> HREvent {
        guard bytes.count <= maximumSize else {
            throw EventRejection(
                code: .oversize,
                problems: [
                    EventProblem(
                        path: "", message: "message of \(bytes.count) bytes is over the \(maximumSize)-byte limit")
                ])
        }
        let document: JSONValue
        do {
            document = try JSONParser().parse(bytes)
        } catch {
            throw EventRejection(code: .invalidJSON, problems: [EventProblem(path: "", message: error.description)])
        }
        return try decode(document, key: key)
    }

    /// Decodes an already parsed document.
    public func decode(_ document: JSONValue, key: String? = nil) throws(EventRejection) -> HREvent {
        var v = Validator()
        guard let root = v.object(document, at: "") else { throw v.rejection(code: .invalidEvent) }
        // Postgres text and jsonb cannot hold U+0000; refusing it here keeps one bad event from failing a whole batch.
        if Self.containsNUL(document) {
            throw EventRejection(
                code: .invalidEvent,
                problems: [
                    EventProblem(path: "", message: "contains a NUL character (\\u0000), which cannot be stored")
                ])
        }

        if let specversion = v.string(root, "specversion", at: "", required: true), specversion != "1.0" {
            v.fail("specversion", "must be \"1.0\"")
        }
        let id = v.string(root, "id", at: "", required: true, maxLength: Self.maximumIDLength)
        let source = v.string(root, "source", at: "", required: true)
        let typeText = v.string(root, "type", at: "", required: true)
        var kind: HREvent.Kind?
        if let typeText {
            kind = HREvent.Kind(rawValue: typeText)
            if kind == nil {
                v.fail("type", "must be one of \(HREvent.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
        var time: Timestamp?
        if let timeText = v.string(root, "time", at: "", required: true) {
            time = Timestamp(rfc3339: timeText)
            if time == nil { v.fail("time", "must be an RFC 3339 date-time such as 2026-11-24T10:00:00Z") }
        }
        let subject = v.string(root, "subject", at: "", required: false)
        if let contentType = v.string(root, "datacontenttype", at: "", required: false),
            contentType != "application/json"
        {
            v.fail("datacontenttype", "must be \"application/json\"")
        }

        var employee: Employee?
        var access: [AccessGrant]?
        var sequence: Int64?
        if let dataValue = v.member(root, "data", at: "", required: true), let data = v.object(dataValue, at: "data") {
            if let employeeValue = v.member(data, "employee", at: "data", required: true) {
                employee = decodeEmployee(employeeValue, &v)
            }
            if let accessValue = v.member(data, "access", at: "data", required: false, nullable: true) {
                access = decodeAccess(accessValue, &v)
            }
            if let sequenceValue = v.member(data, "sequence", at: "data", required: false, nullable: true) {
                // JSON Schema counts 7.0 and 7e0 as integers too.
                if let n = sequenceValue.int64Value
                    ?? sequenceValue.doubleValue.flatMap({ $0.rounded() == $0 ? Int64(exactly: $0) : nil }), n >= 0
                {
                    sequence = n
                } else {
                    v.fail(
                        "data.sequence",
                        sequenceValue.typeName == "number"
                            ? "must be a whole number of 0 or more"
                            : "must be an integer, not \(sequenceValue.typeName)")
                }
            }
        }

        if let subject, let employee, subject != employee.id {
            v.fail("subject", "must equal data.employee.id")
        }
        if let key, let employee, key != employee.id {
            v.fail(
                "(kafka key)",
                "must equal data.employee.id, which decides the partition and so the order of one employee's events")
        }
        guard v.problems.isEmpty, let id, let source, let kind, let time, let employee else {
            throw v.rejection(code: .invalidEvent)
        }
        if let knownVendors, let access {
            let unknown = access.enumerated().filter { !knownVendors.contains($0.element.vendor) }
            if !unknown.isEmpty {
                throw EventRejection(
                    code: .unknownVendor,
                    problems: unknown.map {
                        EventProblem(
                            path: "data.access[\($0.offset)].vendor",
                            message:
                                "vendor \"\($0.element.vendor)\" is not configured (configured: \(knownVendors.sorted().joined(separator: ", ")))"
                        )
                    }
                )
            }
        }
        return HREvent(
            id: id, source: source, kind: kind, time: time, subject: subject, employee: employee, access: access,
            sequence: sequence)
    }

    static func containsNUL(_ value: JSONValue) -> Bool {
        switch value {
        case .string(let s): s.utf8.contains(0)
        case .array(let items): items.contains(where: containsNUL)
        case .object(let members): members.contains { $0.key.utf8.contains(0) || containsNUL($0.value) }
        case .null, .bool, .number: false
        }
    }

    private func decodeEmployee(_ value: JSONValue, _ v: inout Validator) -> Employee? {
        guard let object = v.object(value, at: "data.employee") else { return nil }
        let id = v.string(object, "id", at: "data.employee", required: true, maxLength: Self.maximumEmployeeIDLength)
        var email: String?
        if let raw = v.string(object, "email", at: "data.employee", required: true) {
            email = EmailAddress.normalized(raw)
            if email == nil { v.fail("data.employee.email", "is not a valid email address") }
        }
        let name = v.string(object, "name", at: "data.employee", required: false, nullable: true)
        let department = v.string(object, "department", at: "data.employee", required: false, nullable: true)
        let title = v.string(object, "title", at: "data.employee", required: false, nullable: true)
        guard let id, let email else { return nil }
        return Employee(id: id, email: email, name: name, department: department, title: title)
    }

    private func decodeAccess(_ value: JSONValue, _ v: inout Validator) -> [AccessGrant]? {
        guard let items = value.arrayValue else {
            v.fail("data.access", "must be an array, not \(value.typeName)")
            return nil
        }
        if items.count > Self.maximumGrants {
            v.fail("data.access", "has \(items.count) grants, more than \(Self.maximumGrants)")
        }
        var grants: [AccessGrant] = []
        for (index, item) in items.enumerated() {
            let path = "data.access[\(index)]"
            guard let object = v.object(item, at: path) else { continue }
            let vendor = v.string(object, "vendor", at: path, required: true, maxLength: 64)
            let project = v.string(object, "project", at: path, required: true, maxLength: 200)
            let role = v.string(object, "role", at: path, required: true, maxLength: 64)
            if let vendor, let project, let role {
                grants.append(AccessGrant(vendor: vendor, project: project, role: role))
            }
        }
        return grants
    }
}

/// Collects problems while walking a document.
private struct Validator {
    var problems: [EventProblem] = []

    mutating func fail(_ path: String, _ message: String) {
        problems.append(EventProblem(path: path, message: message))
    }

    func rejection(code: EventRejection.Code) -> EventRejection {
        EventRejection(code: code, problems: problems)
    }

    static func join(_ parent: String, _ key: String) -> String { parent.isEmpty ? key : "\(parent).\(key)" }

    mutating func object(_ value: JSONValue, at path: String) -> [String: JSONValue]? {
        if let object = value.objectValue { return object }
        fail(path, "must be an object, not \(value.typeName)")
        return nil
    }

    /// A member's value; `nil` when absent (a problem if required) or when null and `nullable`.
    /// A null where the schema does not allow one is returned as `.null` for the type check to refuse.
    mutating func member(
        _ object: [String: JSONValue], _ key: String, at parent: String, required: Bool, nullable: Bool = false
    ) -> JSONValue? {
        guard let value = object[key] else {
            if required { fail(Self.join(parent, key), "missing") }
            return nil
        }
        if value == .null, nullable { return nil }
        return value
    }

    /// A string member; present strings must be non-empty and at most `maxLength` characters.
    mutating func string(
        _ object: [String: JSONValue], _ key: String, at parent: String, required: Bool, nullable: Bool = false,
        maxLength: Int? = nil
    ) -> String? {
        guard let value = member(object, key, at: parent, required: required, nullable: nullable) else { return nil }
        let path = Self.join(parent, key)
        guard let text = value.stringValue else {
            fail(path, "must be a string, not \(value.typeName)")
            return nil
        }
        if text.isEmpty {
            fail(path, "must not be empty")
            return nil
        }
        if let maxLength, text.unicodeScalars.count > maxLength {
            fail(path, "is longer than \(maxLength) characters")
            return nil
        }
        return text
    }
}
