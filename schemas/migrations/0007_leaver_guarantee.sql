-- The leaver guarantee (issue 12): one employee's events on two scales that are never mixed, and
-- fencing by claim.
--
-- * jobs.employee_order is now always the arrival order among the employee's events (1, 2, 3 …),
--   and jobs.employee_sequence the HR system's `sequence` when the event carried one. Two events
--   are ordered by sequence only when both carry one, else by arrival (README, "Order of one
--   employee's events"). Existing rows keep their order; their sequence is copied from the inbox.
-- * jobs.claim_token: a new number for every claim. Every write the executor makes for a job
--   requires (job id, claim token, running), so a worker whose claim was taken over (its lease ran
--   out and another worker claimed the job) cannot write anything, and knows it.
ALTER TABLE jobs
    ADD COLUMN employee_sequence bigint,
    ADD COLUMN claim_token       bigint;
UPDATE jobs SET employee_sequence = e.sequence FROM events e WHERE e.event_id = jobs.event_id AND e.sequence IS NOT NULL;
CREATE SEQUENCE job_claim_tokens AS bigint;
