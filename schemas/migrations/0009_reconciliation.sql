-- Reconciliation and evidence (issue 15): passes that compare what each vendor holds with what HR
-- says, the findings they make (a history: first seen, last seen, resolved), the verification of
-- every finished offboarding at every vendor, and the jobs reconciliation creates.

-- Jobs reconciliation creates: `origin` says who asked (an HR event, or reconciliation acting on a
-- finding), `vendors` limits the plan to those vendor instances (NULL: every configured vendor).
-- Their events are recorded in `events` with source 'roster:reconcile' and a copy of the
-- employee's latest HR payload, so the executor runs them like any other job.
ALTER TABLE jobs
    ADD COLUMN origin  text NOT NULL DEFAULT 'hr' CHECK (origin IN ('hr', 'reconcile')),
    ADD COLUMN vendors text[];

-- One pass over one vendor (or a dry run of one: dry runs are printed, not stored).
CREATE TABLE reconcile_runs (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    vendor        text NOT NULL,
    -- 'pass' (reconciliation) or 'verification' (the check after offboardings).
    kind          text NOT NULL CHECK (kind IN ('pass', 'verification')),
    worker        text NOT NULL,
    started_at    timestamptz NOT NULL DEFAULT now(),
    finished_at   timestamptz,
    outcome       text CHECK (outcome IN ('completed', 'failed')),
    -- Redacted: no emails, names or keys.
    error         text,
    findings      integer NOT NULL DEFAULT 0,
    jobs_created  integer NOT NULL DEFAULT 0,
    -- Vendor requests the pass made (listings the directory already held cost nothing).
    vendor_calls  integer NOT NULL DEFAULT 0
);
CREATE INDEX reconcile_runs_vendor ON reconcile_runs (vendor, started_at DESC);

-- One difference, from the pass that first saw it until the pass that no longer does. The same
-- difference seen again after it was resolved is a new row: the history is never rewritten.
CREATE TABLE reconcile_findings (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- Situation, vendor, employee and the vendor ids concerned (Finding.key).
    key            text NOT NULL,
    vendor         text NOT NULL,
    situation      text NOT NULL CHECK (situation IN ('leaver_has_access', 'missing_grant', 'wrong_role', 'extra_grant', 'unknown_account', 'stale_invite')),
    employee_id    text,
    -- Vendor ids (user_id, invite_id, key_id, project_id), project names and roles; never emails or names.
    target         jsonb NOT NULL DEFAULT '{}',
    detail         text NOT NULL,
    -- Access the vendor's API cannot remove: for a person, never for a job.
    residual       boolean NOT NULL DEFAULT false,
    reaction       text NOT NULL CHECK (reaction IN ('report', 'fix')),
    -- The job created for it, if any.
    job_id         bigint,
    first_run_id   bigint NOT NULL,
    last_run_id    bigint NOT NULL,
    first_seen_at  timestamptz NOT NULL DEFAULT now(),
    last_seen_at   timestamptz NOT NULL DEFAULT now(),
    resolved_at    timestamptz
);
CREATE UNIQUE INDEX reconcile_findings_open ON reconcile_findings (key) WHERE resolved_at IS NULL;
CREATE INDEX reconcile_findings_employee ON reconcile_findings (employee_id, first_seen_at);
CREATE INDEX reconcile_findings_vendor_open ON reconcile_findings (vendor, situation) WHERE resolved_at IS NULL;

-- The check of one vendor after one offboarding finished: due `verify_after_seconds` later, then
-- 'absent' (verified absent at checked_at: the vendor was listed after that moment), 'access_found'
-- (a leaver_has_access finding and a revocation job), 'residual' (only access the vendor's API cannot
-- remove is left: a finding for a person), or 'rehired' (the employee's latest event is no longer the
-- offboarding: nothing to verify).
CREATE TABLE verifications (
    job_id        bigint NOT NULL,
    vendor        text NOT NULL,
    employee_id   text NOT NULL,
    due_at        timestamptz NOT NULL,
    result        text CHECK (result IN ('absent', 'access_found', 'residual', 'rehired')),
    -- When the listings the result rests on were started (never before due_at).
    checked_at    timestamptz,
    attempts      integer NOT NULL DEFAULT 0,
    last_error    text,
    run_id        bigint,
    PRIMARY KEY (job_id, vendor)
);
CREATE INDEX verifications_due ON verifications (due_at) WHERE result IS NULL;
CREATE INDEX verifications_employee ON verifications (employee_id);
