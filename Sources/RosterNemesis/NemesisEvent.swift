import Foundation
import RosterCore
import RosterTesting

/// One message the nemesis publishes: a valid HR event (maybe an exact duplicate of an earlier
/// one) or an invalid message that must be dead-lettered.
public struct NemesisEvent: Sendable, Hashable, CustomStringConvertible {
    /// What the message is, for the plan's summary and the model.
    public enum Label: String, Sendable, Hashable, CaseIterable {
        case join, move, leave, rehire
        /// A change after an offboarding with no rehire: recorded, never grants.
        case leaverChange = "leaver-change"
        /// An exact copy of an earlier valid message (same id, same bytes).
        case duplicate
        case malformedJSON = "malformed-json"
        case unknownType = "unknown-type"

        public var isInvalid: Bool { self == .malformedJSON || self == .unknownType }
    }

    public enum Kind: String, Sendable, Hashable {
        case onboarding, changed, offboarding

        var cloudEventType: String { "hr.employee.\(rawValue)" }
    }

    public var eventID: String
    /// The Kafka key: the employee id (`BAD…` for invalid messages).
    public var employee: String
    public var label: Label
    public var kind: Kind
    /// What the event asks for: RosterCore's grant value (the model that judges it is the nemesis's own).
    public var grants: [AccessGrant]
    public var sequence: Int64

    public init(eventID: String, employee: String, label: Label, kind: Kind, grants: [AccessGrant], sequence: Int64) {
        self.eventID = eventID
        self.employee = employee
        self.label = label
        self.kind = kind
        self.grants = grants
        self.sequence = sequence
    }

    public var isValid: Bool { !label.isInvalid }

    public var description: String {
        let grantText =
            kind == .offboarding || label.isInvalid
            ? "" : " [\(grants.map { "\($0.vendor)/\($0.project):\($0.role)" }.joined(separator: ", "))]"
        return "\(label.rawValue) \(employee) \(eventID) seq \(sequence)\(grantText)"
    }

    /// The message value. `time` is the HR event time (the only part not fixed by the seed).
    public func payload(time: Date) -> Data {
        let stamp = ISO8601DateFormatter().string(from: time)
        switch label {
        case .malformedJSON:
            return Data(#"{"specversion":"1.0","id":"\#(eventID)","type":"hr.employee.onb"#.utf8)
        case .unknownType:
            let text = String(decoding: valid(time: stamp), as: UTF8.self)
                .replacingOccurrences(of: kind.cloudEventType, with: "hr.employee.promoted")
            return Data(text.utf8)
        default:
            return valid(time: stamp)
        }
    }

    private func valid(time: String) -> Data {
        let access = kind == .offboarding ? nil : grants.map { (vendor: $0.vendor, project: $0.project, role: $0.role) }
        return TestEvents.event(
            id: eventID, type: kind.cloudEventType, employee: employee, access: access, sequence: sequence, time: time)
    }
}
