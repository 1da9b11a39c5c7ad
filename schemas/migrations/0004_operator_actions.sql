-- Operator actions: what became of a replayed dead letter. Replays and cancellations of jobs are
-- recorded in the append-only audit_log (actor 'operator:<name>', with the reason).

-- The last replay of a dead letter (`roster dlq replay`); every attempt is also in audit_log.
-- A successful replay sets status = 'replayed' and links the event and job it became; a replay
-- the decoder refused again leaves status 'new' and keeps the new rejection reason.
ALTER TABLE dead_letters
    ADD COLUMN replay_attempts   integer NOT NULL DEFAULT 0,
    ADD COLUMN replayed_at       timestamptz,
    -- job_created, duplicate (the event id was already in the inbox) or rejected.
    ADD COLUMN replay_outcome    text CHECK (replay_outcome IN ('job_created', 'duplicate', 'rejected')),
    ADD COLUMN replay_event_id   text,
    ADD COLUMN replay_job_id     bigint,
    -- The decoder's reason when the replay was refused again.
    ADD COLUMN replay_rejection  text,
    -- Whether the replay used a corrected payload instead of the message as received.
    ADD COLUMN replay_corrected  boolean,
    ADD COLUMN replay_operator   text,
    ADD COLUMN replay_reason     text;

-- No new index on jobs: every index there is written twice per job (claim and finish) and once
-- at ingest. Operator reads by status use jobs_status_updated (status, updated_at), newest first
-- uses jobs_created.
