-- Execution: each job's plan of steps with recovery points, every attempt, the shared rate
-- limiters and circuit breakers, and the append-only audit log.

-- A job's plan, persisted before its first vendor call. A step is one idempotent unit of work
-- against one vendor; `recovery_point` and `state` let a resumed job continue where it stopped.
CREATE TABLE job_steps (
    job_id          bigint NOT NULL REFERENCES jobs (id),
    position        integer NOT NULL,
    name            text NOT NULL,
    vendor          text NOT NULL,
    -- Inputs (project, role); no personal data: the employee is the job's.
    params          jsonb NOT NULL DEFAULT '{}',
    status          text NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'running', 'succeeded', 'failed', 'skipped')),
    attempts        integer NOT NULL DEFAULT 0,
    recovery_point  text NOT NULL DEFAULT 'started',
    -- Vendor ids learned so far (project id, user id, invite id, keys deleted, …).
    state           jsonb NOT NULL DEFAULT '{}',
    last_error      text,
    -- Access Roster could not remove through the vendor's API, said plainly (e.g. Relevance AI organisation membership).
    residual        text,
    started_at      timestamptz,
    finished_at     timestamptz,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (job_id, position)
);

-- Every attempt of every step, kept: retries never overwrite history.
CREATE TABLE step_attempts (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job_id        bigint NOT NULL REFERENCES jobs (id),
    position      integer NOT NULL,
    attempt       integer NOT NULL,
    worker        text NOT NULL,
    started_at    timestamptz NOT NULL,
    finished_at   timestamptz NOT NULL DEFAULT now(),
    outcome       text NOT NULL CHECK (outcome IN ('succeeded', 'retry', 'failed', 'cancelled')),
    http_status   integer,
    vendor_code   text,
    -- Redacted: no emails, names or keys.
    message       text
);
CREATE INDEX step_attempts_job ON step_attempts (job_id, position, attempt);

-- One GCRA budget per vendor credential, shared by every worker process.
CREATE TABLE rate_limits (
    key                text PRIMARY KEY,
    vendor             text NOT NULL,
    -- Theoretical arrival time: the whole state of the limiter.
    tat                timestamptz NOT NULL DEFAULT now(),
    emission_interval  interval NOT NULL,
    burst              integer NOT NULL CHECK (burst >= 1),
    -- Set when the vendor answered 429: nobody calls before this.
    paused_until       timestamptz,
    throttled_total    bigint NOT NULL DEFAULT 0,
    updated_at         timestamptz NOT NULL DEFAULT now()
);

-- One circuit breaker per vendor instance, visible to every process and to operators.
CREATE TABLE circuit_breakers (
    vendor                text PRIMARY KEY,
    state                 text NOT NULL DEFAULT 'closed' CHECK (state IN ('closed', 'open', 'half_open')),
    consecutive_failures  integer NOT NULL DEFAULT 0,
    retry_at              timestamptz,
    opened_total          bigint NOT NULL DEFAULT 0,
    updated_at            timestamptz NOT NULL DEFAULT now()
);

-- Append-only: every vendor mutation Roster made and every operator action.
CREATE TABLE audit_log (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at           timestamptz NOT NULL DEFAULT now(),
    actor        text NOT NULL,
    action       text NOT NULL,
    vendor       text,
    job_id       bigint,
    employee_id  text,
    -- Vendor ids acted on (project, user, invite, key ids); never emails or names.
    target       jsonb NOT NULL DEFAULT '{}',
    outcome      text NOT NULL,
    reason       text
);
CREATE INDEX audit_log_employee ON audit_log (employee_id, at);
CREATE INDEX audit_log_job ON audit_log (job_id, at);

CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();
