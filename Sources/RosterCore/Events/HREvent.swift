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

        /// The kind whose ``shortName`` is `shortName`; `nil` for any other text.
        public init?(shortName: String) {
            guard let kind = Self.allCases.first(where: { $0.shortName == shortName }) else { return nil }
            self = kind
        }
    }

    /// The deduplication key: the same id twice has one effect, ever.
    public var id: String
    /// The CloudEvents `source`: the system that sent the event. Shown to operators, never used to
    /// decide anything.
    public var source: String
    /// What happened (the CloudEvents `type`), which decides the job's steps (``JobPlanner``).
    public var kind: Kind
    /// When the HR system says it happened (CloudEvents `time`), to the microsecond.
    public var time: Timestamp
    /// The CloudEvents `subject`; when present it equals ``Employee/id`` (``HREventDecoder`` checks).
    public var subject: String?
    /// Who the event is about (`data.employee`).
    public var employee: Employee
    /// Explicit grants; `nil` means the access policy in the configuration decides.
    public var access: [AccessGrant]?
    /// Orders one employee's events when present.
    public var sequence: Int64?

    /// An event built in code, without the checks ``HREventDecoder`` applies to messages.
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
    /// The HR system's employee id (`data.employee.id`, at most 128 characters): the Kafka key, and
    /// what one person's jobs and events are grouped by.
    public var id: String
    /// Lowercased.
    public var email: String
    /// The person's name, when HR sent one. Personal data.
    public var name: String?
    /// The department, when HR sent one; policy rules match it ignoring case.
    public var department: String?
    /// The job title, when HR sent one; policy rules match it ignoring case.
    public var title: String?

    /// An employee as given: `email` is not lowercased here (``EmailAddress/normalized(_:)`` does
    /// that for decoded events).
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
    /// The project's name at the vendor, not its id; ``VendorStep/Action/ensureProject`` creates it
    /// when missing.
    public var project: String
    /// The role: in an event or the policy, a Roster role or the vendor's own; after
    /// ``JobPlanner/desiredGrants(for:)``, always the vendor's.
    public var role: String

    /// A grant of `role` in `project` at vendor instance `vendor`.
    public init(vendor: String, project: String, role: String) {
        self.vendor = vendor
        self.project = project
        self.role = role
    }

    /// Orders by vendor, then project, then role.
    public static func < (lhs: AccessGrant, rhs: AccessGrant) -> Bool {
        (lhs.vendor, lhs.project, lhs.role) < (rhs.vendor, rhs.project, rhs.role)
    }
}
