import CoreMetrics
import Logging

/// Reports listed records Roster could not decode and skipped: a warning with the vendor, the
/// listing, the record's id and the decoding problem (never an address), and the counter
/// `roster_vendor_records_skipped_total{vendor}`.
///
/// The counter goes to the global `MetricsSystem`, which the worker bootstraps with its
/// Prometheus registry (`RosterMetrics.bootstrapProcessRegistry()`), so it is on `/metrics`
/// with the worker's own metrics. Tests bind ``factory`` to read it.
public enum VendorRecordSkips {
    /// The counter's name.
    public static let metricName = "roster_vendor_records_skipped_total"

    /// A factory to record into instead of the global `MetricsSystem` (tests).
    @TaskLocal public static var factory: (any MetricsFactory)?

    /// Logs and counts `records`, skipped from `listing` of `vendor`.
    ///
    /// - Parameters:
    ///   - records: The records skipped (nothing happens when empty).
    ///   - vendor: The vendor instance (`posthog`, `openai`): the counter's only label.
    ///   - listing: What was listed (`members`, `invites`, `organization users`).
    ///   - logger: Where the warning goes.
    public static func report(_ records: [UnreadableRecord], vendor: String, listing: String, logger: Logger) {
        guard !records.isEmpty else { return }
        for record in records {
            logger.warning(
                "skipped a listed record Roster cannot read",
                metadata: [
                    "vendor": "\(vendor)",
                    "listing": "\(listing)",
                    "record.id": "\(record.id ?? "none")",
                    "record.position": "\(record.position)",
                    "problem": "\(record.problem)",
                ]
            )
        }
        let counter = Counter(
            label: metricName, dimensions: [("vendor", vendor)], factory: factory ?? MetricsSystem.factory)
        counter.increment(by: records.count)
    }
}
