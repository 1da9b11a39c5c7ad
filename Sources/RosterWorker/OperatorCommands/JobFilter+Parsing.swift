import Foundation
import RosterCore

extension JobFilter {
    /// A filter from what an operator typed (`roster jobs list` options, or the console's filter
    /// form): statuses and types by name (repeated or comma-separated), times as ``TimeBound``.
    /// Blank values mean "any".
    ///
    /// - Throws: ``OperationsError`` (invalid argument) naming the option and what it accepts.
    public static func parse(
        ids: [Int64] = [], statuses: [String] = [], types: [String] = [], vendor: String? = nil,
        employee: String? = nil,
        since: String? = nil, until: String? = nil, limit: Int, now: Timestamp
    ) throws(OperationsError) -> JobFilter {
        func words(_ values: [String]) -> [String] {
            values.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }.filter {
                !$0.isEmpty
            }
        }
        var parsedStatuses: [JobStatus] = []
        for text in words(statuses) {
            guard let status = JobStatus(rawValue: text) else {
                throw .invalidArgument(
                    "--status \(text): not one of \(JobStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            parsedStatuses.append(status)
        }
        var parsedTypes: [HREvent.Kind] = []
        for text in words(types) {
            guard let kind = HREvent.Kind(shortName: text) else {
                throw .invalidArgument("--type \(text): not one of onboarding, offboarding, changed")
            }
            parsedTypes.append(kind)
        }
        func blank(_ text: String?) -> String? {
            guard let trimmed = text?.trimmingCharacters(in: .whitespaces), !trimmed.isEmpty else { return nil }
            return trimmed
        }
        return JobFilter(
            ids: ids, statuses: parsedStatuses, types: parsedTypes, vendor: blank(vendor), employee: blank(employee),
            since: try blank(since).map { text throws(OperationsError) in try TimeBound.parse(text, now: now) },
            until: try blank(until).map { text throws(OperationsError) in try TimeBound.parse(text, now: now) },
            limit: limit
        )
    }
}
