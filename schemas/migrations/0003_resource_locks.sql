-- Short leases on vendor resources that two jobs could otherwise create twice at once: two
-- onboardings into the same new project both look, find nothing, and both create it. Steps that
-- may create projects take the vendor's lock first, so the second one looks after the first created.
CREATE TABLE resource_locks (
    key         text PRIMARY KEY,
    owner       text NOT NULL,
    expires_at  timestamptz NOT NULL
);
