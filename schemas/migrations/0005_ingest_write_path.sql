-- Ingest's write path, measured (ops/bench/run ingest: 50,000 events, batches of 5,000, private
-- Postgres on 2 cores). Every event and every job is written once by ingest; these two cost about
-- 15 % of ingest throughput (1.67-1.70 s -> 1.42-1.45 s for the 50,000) and protect nothing the
-- write path does not already guarantee:
--
-- * jobs.event_id -> events: the check takes a KEY SHARE lock on the event row for each job,
--   dirtying the event's heap page a second time in the same transaction. A job is only ever
--   inserted from the event ids that the same transaction's INSERT INTO events returned (ingest,
--   and dead-letter replay through the same IngestStore), and events are never deleted, so the
--   reference holds by construction; the unique index on jobs.event_id stays.
-- * events (topic, partition, offset): no query reads by Kafka position; the inbox is looked up by
--   event id (its primary key) and by employee.
ALTER TABLE jobs DROP CONSTRAINT IF EXISTS jobs_event_id_fkey;
DROP INDEX IF EXISTS events_source_position;
