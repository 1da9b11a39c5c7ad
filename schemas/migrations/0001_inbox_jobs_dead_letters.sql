-- Ingest: the inbox of HR events, one job per accepted event, and dead letters for what cannot be accepted.

-- Every accepted event, once. The event id is the deduplication key: the same id twice has one effect, ever.
CREATE TABLE events (
    event_id     text PRIMARY KEY,
    type         text NOT NULL CHECK (type IN ('onboarding', 'offboarding', 'changed')),
    employee_id  text NOT NULL,
    sequence     bigint,
    source       text NOT NULL,
    event_time   timestamptz NOT NULL,
    topic        text NOT NULL,
    partition    integer NOT NULL,
    "offset"     bigint NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now(),
    -- How many times Kafka delivered this event id (redeliveries and duplicates are absorbed, and counted).
    deliveries   integer NOT NULL DEFAULT 1,
    payload      jsonb NOT NULL
);
CREATE INDEX events_employee ON events (employee_id, received_at);
CREATE INDEX events_source_position ON events (topic, partition, "offset");

CREATE TABLE jobs (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id         text NOT NULL UNIQUE REFERENCES events (event_id),
    employee_id      text NOT NULL,
    type             text NOT NULL CHECK (type IN ('onboarding', 'offboarding', 'changed')),
    -- Higher runs first: offboarding 100, changed 20, onboarding 10.
    priority         smallint NOT NULL,
    -- The employee's event order: `sequence` when the event had one, else arrival order.
    employee_order   bigint NOT NULL,
    status           text NOT NULL DEFAULT 'queued'
                     CHECK (status IN ('queued', 'running', 'retrying', 'succeeded', 'dead', 'cancelled')),
    attempts         integer NOT NULL DEFAULT 0,
    run_after        timestamptz NOT NULL DEFAULT now(),
    lease_owner      text,
    lease_expires_at timestamptz,
    last_error       text,
    cancel_reason    text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    finished_at      timestamptz
);
-- The executor's claim order: priority, then employee order, then age; only runnable rows are indexed.
CREATE INDEX jobs_runnable ON jobs (priority DESC, employee_order, id) WHERE status IN ('queued', 'retrying');
CREATE INDEX jobs_employee ON jobs (employee_id, employee_order, id);
CREATE INDEX jobs_status_updated ON jobs (status, updated_at DESC);
CREATE INDEX jobs_created ON jobs (created_at DESC, id DESC);
CREATE INDEX jobs_lease ON jobs (lease_expires_at) WHERE status = 'running';

-- Messages that cannot become jobs, kept byte for byte with where they came from and why.
CREATE TABLE dead_letters (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    topic          text NOT NULL,
    partition      integer NOT NULL,
    "offset"       bigint NOT NULL,
    key            bytea,
    value          bytea NOT NULL,
    header_keys    text[] NOT NULL DEFAULT '{}',
    header_values  bytea[] NOT NULL DEFAULT '{}',
    -- Stable kind (oversize, invalid_json, invalid_event, unknown_vendor, unstorable) and a sentence a person can read.
    code           text NOT NULL,
    reason         text NOT NULL,
    -- The event id, when the message was JSON enough to have one.
    event_id       text,
    created_at     timestamptz NOT NULL DEFAULT now(),
    -- What became of it: new, replayed (re-ingested; see resolution), discarded.
    status         text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'replayed', 'discarded')),
    resolution     text,
    resolved_at    timestamptz,
    UNIQUE (topic, partition, "offset")
);
CREATE INDEX dead_letters_created ON dead_letters (created_at DESC);
CREATE INDEX dead_letters_status ON dead_letters (status, created_at DESC);
