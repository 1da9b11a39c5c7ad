import Foundation

/// HR events as a test or `roster dev` would publish them.
public enum TestEvents {
    /// A valid CloudEvents HR event, as JSON bytes.
    public static func event(
        id: String, type: String = "hr.employee.onboarding", employee: String, email: String? = nil,
        access: [(vendor: String, project: String, role: String)]? = [("openai", "research-ai", "member")],
        sequence: Int64? = nil, department: String = "Research", time: String = "2026-11-24T10:00:00Z"
    ) -> Data {
        var data: [String: Any] = [
            "employee": [
                "id": employee, "email": email ?? "\(employee.lowercased())@example.com", "name": "Person \(employee)",
                "department": department,
            ]
        ]
        if let access { data["access"] = access.map { ["vendor": $0.vendor, "project": $0.project, "role": $0.role] } }
        if let sequence { data["sequence"] = sequence }
        let object: [String: Any] = [
            "specversion": "1.0", "id": id, "source": "hris://test", "type": type, "time": time,
            "subject": employee, "datacontenttype": "application/json", "data": data,
        ]
        return try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }

    /// Larger than ``TestConfiguration``'s `max_message_bytes` (64 KiB) and under Kafka's 1 MB default.
    public static let oversize = 100_000

    /// Invalid messages of every kind the contract names, with the employee id used as key.
    public static func invalid(index: Int) -> (key: String, value: Data, kind: String) {
        let employee = "BAD\(index)"
        switch index % 5 {
        case 0:
            return (employee, Data(#"{"specversion":"1.0","id":"bad-\#(index)","type":"#.utf8), "bad JSON")
        case 1:
            let text = String(decoding: event(id: "bad-\(index)", employee: employee), as: UTF8.self)
                .replacingOccurrences(of: "hr.employee.onboarding", with: "hr.employee.promoted")
            return (employee, Data(text.utf8), "wrong type")
        case 2:
            let text = String(decoding: event(id: "bad-\(index)", employee: employee), as: UTF8.self)
                .replacingOccurrences(of: #""email":"bad\#(index)@example.com","#, with: "")
            return (employee, Data(text.utf8), "missing email")
        case 3:
            return (
                employee, event(id: "bad-\(index)", employee: employee, access: [("salesforce", "crm", "member")]),
                "unknown vendor"
            )
        default:
            var big = String(decoding: event(id: "bad-\(index)", employee: employee), as: UTF8.self)
            big.removeLast()
            big += #","padding":""# + String(repeating: "x", count: oversize) + #""}"#
            return (employee, Data(big.utf8), "oversize")
        }
    }
}
