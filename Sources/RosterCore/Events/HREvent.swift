/// One HR event, as accepted by ``HREventDecoder``: a CloudEvents 1.0 structured-mode JSON
/// document whose `data` names an employee and, optionally, the access they should have.
///
/// Values are normalised: the email is lowercased, strings are as sent.
public struct HREvent: Sendable, Hashable {
    /// The CloudEvents `type`.
    public enum Kind: String, Sendable, Hashable, CaseIterable, Codable {
        case onboarding = "hr.employee.onboarding"
        case offboarding = "hr.employee.offboarding"
        case changed = "hr.employee.changed"

        /// The short name used in job rows, metrics labels and the CLI.
        public var shortName: String {
            switch self {
            case .onboarding: "onboarding"
            case .offboarding: "offboarding"
            case .changed: "changed"
            }
        }

        public init?(shortName: String) {
            guard let kind = Self.allCases.first(where: { $0.shortName == shortName }) else { return nil }
            self = kind
        }
    }

    /// The deduplication key: the same id twice has one effect, ever.
    public var id: String
    public var source: String
    public var kind: Kind
    /// When the HR system says it happened (CloudEvents `time`), in seconds since 1970.
    public var time: Timestamp
    public var subject: String?
    public var employee: Employee
    /// Explicit grants; `nil` means the access policy in the configuration decides.
    public var access: [AccessGrant]?
    /// Orders one employee's events when present.
    public var sequence: Int64?

    public init(
        id: String,
        source: String,
        kind: Kind,
        time: Timestamp,
        subject: String? = nil,
        employee: Employee,
        access: [AccessGrant]? = nil,
        sequence: Int64? = nil
    ) {
        self.id = id
        self.source = source
        self.kind = kind
        self.time = time
        self.subject = subject
        self.employee = employee
        self.access = access
        self.sequence = sequence
    }
}

/// The person an event is about. `email` is personal data: never log it.
public struct Employee: Sendable, Hashable, Codable {
    public var id: String
    /// Lowercased.
    public var email: String
    public var name: String?
    public var department: String?
    public var title: String?

    public init(id: String, email: String, name: String? = nil, department: String? = nil, title: String? = nil) {
        self.id = id
        self.email = email
        self.name = name
        self.department = department
        self.title = title
    }
}

/// Access in one vendor instance: a project (created if missing) and a role in that vendor's vocabulary.
public struct AccessGrant: Sendable, Hashable, Codable, Comparable {
    /// The name of a configured vendor instance (a key of `vendors:` in the configuration).
    public var vendor: String
    public var project: String
    public var role: String

    public init(vendor: String, project: String, role: String) {
        self.vendor = vendor
        self.project = project
        self.role = role
    }

    public static func < (lhs: AccessGrant, rhs: AccessGrant) -> Bool {
        (lhs.vendor, lhs.project, lhs.role) < (rhs.vendor, rhs.project, rhs.role)
    }
}
