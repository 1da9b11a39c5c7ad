-- The mass-offboarding brake (issue 15): when more offboardings are recorded in a sliding window
-- than the configured limit allows (`brake:`), the ones beyond it are created `held` with the
-- reason, for an operator to release (`queued`) or cancel with `roster holds`. A held job is never
-- claimed and blocks its employee's later jobs, like any unfinished job.
ALTER TABLE jobs DROP CONSTRAINT jobs_status_check;
ALTER TABLE jobs ADD CONSTRAINT jobs_status_check
    CHECK (status IN ('queued', 'held', 'running', 'retrying', 'succeeded', 'dead', 'cancelled'));

ALTER TABLE jobs
    -- Why the brake held the job (a sentence with counts only). Jobs are only ever created held,
    -- so created_at is when the hold began; the reason stays after the decision, as history.
    ADD COLUMN hold_reason     text,
    -- The operator's decision on a held job: 'released' (it was queued) or 'cancelled' (the
    -- offboarding is void: it revokes nothing and no longer counts as a leave for the leaver rule).
    -- Who decided and why is in audit_log.
    ADD COLUMN hold_decision   text CHECK (hold_decision IN ('released', 'cancelled')),
    ADD COLUMN hold_decided_at timestamptz;

-- The brake counts the offboardings recorded in its window on every recording transaction that
-- has one: an index walk over offboardings only (a few percent of jobs, so little write cost),
-- instead of every job of the window through jobs_created.
CREATE INDEX jobs_offboardings_created ON jobs (created_at) WHERE type = 'offboarding';
-- `roster holds list`, `roster status` and the held-jobs gauge.
CREATE INDEX jobs_held ON jobs (created_at, id) WHERE status = 'held';
