import Logging
import RosterKafka
import ServiceLifecycle

/// Ingest with its group consumer made when the service starts, after the worker's migrations.
///
/// A librdkafka consumer joins its group as soon as it subscribes. Made when the worker is
/// assembled, it would be given partitions while the worker still migrated or waited for
/// Postgres, and nothing would poll them until `max.poll.interval.ms` ran out: HR events, and
/// leavers' offboardings among them, would wait. ``IngestService/run()`` closes the consumer, so
/// the member leaves the group when ingest stops.
struct DeferredIngest: Service, CustomStringConvertible {
    let consumer: KafkaConsumerConfiguration
    let logger: Logger
    let make: @Sendable (KafkaConsumer) -> IngestService

    var description: String { "ingest" }

    func run() async throws {
        let subscribed = try KafkaConsumer.make(configuration: consumer, logger: logger)
        try await make(subscribed).run()
    }
}
