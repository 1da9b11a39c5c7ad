-- Learned budgets: a vendor that advertises its limit (x-ratelimit-*, RateLimit-Policy) moves the
-- shared budget towards it, within the configured bounds. `emission_interval` stays the figure
-- every reservation uses (one budget for all processes); these columns say where it came from.
ALTER TABLE rate_limits
    -- The interval the configuration asks for (what `emission_interval` starts from and returns
    -- to when the configuration changes).
    ADD COLUMN configured_interval    interval,
    -- The shortest interval learning may reach: 1 / rate.max_requests_per_second (or the
    -- configured interval, when learning may only lower the budget).
    ADD COLUMN minimum_interval       interval,
    -- The rate the vendor last advertised, requests per second, and when.
    ADD COLUMN advertised_per_second  double precision,
    ADD COLUMN advertised_at          timestamptz,
    -- When learning last raised the budget (raises are spaced; lowering is immediate).
    ADD COLUMN raised_at              timestamptz;

UPDATE rate_limits SET configured_interval = emission_interval, minimum_interval = emission_interval;

ALTER TABLE rate_limits
    ALTER COLUMN configured_interval SET NOT NULL,
    ALTER COLUMN minimum_interval SET NOT NULL;
