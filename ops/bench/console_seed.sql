-- A database of :jobs jobs for `ops/bench/run console` (psql -v jobs=100000): HR events with
-- personal data in their payloads (as ingest stores them), jobs in every state over the last
-- 7 days (90 % succeeded, 4 % dead, 2 % each retrying, queued, cancelled), two steps and an
-- attempt per step, a vendor mutation per finished step, verifications of offboardings, a few
-- findings, and 1,000 dead letters. 20,000 employees, four vendors.
\set ON_ERROR_STOP on
BEGIN;
CREATE TEMP TABLE seed AS
SELECT i,
       'E' || (i % 20000) AS employee,
       CASE WHEN i % 10 = 0 THEN 'offboarding' WHEN i % 7 = 0 THEN 'changed' ELSE 'onboarding' END AS type,
       (ARRAY['openai', 'posthog', 'confident', 'relevance'])[1 + i % 4] AS vendor,
       CASE WHEN i % 50 IN (1, 2) THEN 'dead' WHEN i % 50 = 3 THEN 'retrying' WHEN i % 50 = 4 THEN 'queued'
            WHEN i % 50 = 5 THEN 'cancelled' ELSE 'succeeded' END AS status,
       now() - make_interval(secs => (:jobs - i) * (7 * 86400.0 / :jobs)) AS created
FROM generate_series(1, :jobs) AS i;

INSERT INTO events (event_id, type, employee_id, sequence, source, event_time, topic, partition, "offset", payload, received_at)
SELECT 'bench-evt-' || i, type, employee, i, 'hris://bench', created - interval '30 seconds', 'hr.events', i % 8, i,
       jsonb_build_object('specversion', '1.0', 'id', 'bench-evt-' || i, 'source', 'hris://bench', 'type', 'hr.employee.' || type,
           'subject', employee, 'data', jsonb_build_object(
               'employee', jsonb_build_object('id', employee, 'email', lower(employee) || '@example.com', 'name', 'Person ' || employee,
                                              'department', 'Research'),
               'access', CASE WHEN type = 'offboarding' THEN NULL
                              ELSE jsonb_build_array(jsonb_build_object('vendor', vendor, 'project', 'research-ai', 'role', 'member')) END)),
       created
FROM seed;

INSERT INTO jobs (event_id, employee_id, type, priority, employee_order, status, attempts, last_error, cancel_reason,
                  created_at, updated_at, finished_at)
SELECT 'bench-evt-' || i, employee, type, CASE type WHEN 'offboarding' THEN 100 WHEN 'changed' THEN 20 ELSE 10 END, i, status,
       CASE status WHEN 'dead' THEN 3 WHEN 'queued' THEN 0 ELSE 1 END,
       CASE status WHEN 'dead' THEN vendor || ' ensure_access failed (HTTP 503): unavailable (gave up after 3 attempts)'
                   WHEN 'retrying' THEN vendor || ' ensure_access failed (HTTP 503): unavailable' END,
       CASE status WHEN 'cancelled' THEN 'superseded by offboarding' END,
       created, created + interval '2 minutes',
       CASE WHEN status IN ('succeeded', 'dead', 'cancelled') THEN created + interval '2 minutes' END
FROM seed ORDER BY i;

INSERT INTO job_steps (job_id, position, name, vendor, params, status, attempts, recovery_point, state, last_error, started_at, finished_at)
SELECT j.id, p.position,
       CASE WHEN s.type = 'offboarding' THEN (ARRAY['revoke_invites', 'remove_organization_membership'])[p.position + 1]
            ELSE (ARRAY['ensure_project', 'ensure_access'])[p.position + 1] END,
       s.vendor, jsonb_build_object('action', 'ensure_access', 'project', 'research-ai', 'role', 'member', 'vendor', s.vendor),
       CASE WHEN s.status = 'succeeded' THEN 'succeeded' WHEN s.status = 'dead' AND p.position = 1 THEN 'failed'
            WHEN s.status = 'dead' THEN 'succeeded' ELSE 'pending' END,
       1, 'finished', jsonb_build_object('values', jsonb_build_object('project_id', 'proj_' || (s.i % 40))),
       CASE WHEN s.status = 'dead' AND p.position = 1 THEN 'ensure_access failed (HTTP 503)' END,
       s.created + interval '1 minute', s.created + interval '2 minutes'
FROM seed s JOIN jobs j ON j.event_id = 'bench-evt-' || s.i CROSS JOIN (VALUES (0), (1)) AS p (position)
WHERE s.status NOT IN ('queued');

INSERT INTO step_attempts (job_id, position, attempt, worker, started_at, finished_at, outcome, http_status, message)
SELECT job_id, position, 1, 'bench-worker', started_at, finished_at,
       CASE status WHEN 'succeeded' THEN 'succeeded' WHEN 'failed' THEN 'failed' ELSE 'retry' END,
       CASE status WHEN 'succeeded' THEN NULL ELSE 503 END, CASE status WHEN 'succeeded' THEN 'done' ELSE 'HTTP 503' END
FROM job_steps;

INSERT INTO audit_log (at, actor, action, vendor, job_id, employee_id, target, outcome)
SELECT s.finished_at, 'worker:bench-worker', CASE WHEN j.type = 'offboarding' THEN 'delete_invite' ELSE 'create_invite' END,
       s.vendor, j.id, j.employee_id, jsonb_build_object('invite_id', 'inv_' || j.id), 'done'
FROM job_steps s JOIN jobs j ON j.id = s.job_id WHERE s.status = 'succeeded' AND s.position = 1;

INSERT INTO verifications (job_id, vendor, employee_id, due_at, result, checked_at)
SELECT j.id, s.vendor, j.employee_id, j.finished_at + interval '5 minutes', 'absent', j.finished_at + interval '6 minutes'
FROM jobs j JOIN job_steps s ON s.job_id = j.id AND s.position = 0 WHERE j.type = 'offboarding' AND j.status = 'succeeded';

INSERT INTO reconcile_runs (vendor, kind, worker, finished_at, outcome) VALUES ('relevance', 'pass', 'bench-worker', now(), 'completed');
INSERT INTO reconcile_findings (key, vendor, situation, employee_id, target, detail, residual, reaction, first_run_id, last_run_id)
SELECT 'leaver_has_access/relevance/E' || i || '/u_' || i, 'relevance', 'leaver_has_access', 'E' || i,
       jsonb_build_object('user_id', 'u_' || i), 'organisation membership the API cannot remove', true, 'report',
       (SELECT max(id) FROM reconcile_runs), (SELECT max(id) FROM reconcile_runs)
FROM generate_series(0, 199) AS i;

INSERT INTO dead_letters (topic, partition, "offset", key, value, header_keys, code, reason, event_id, created_at)
SELECT 'hr.events', i % 8, 1000000 + i, convert_to('E' || i, 'UTF8'),
       convert_to('{"specversion":"1.0","id":"bench-bad-' || i || '","data":{"employee":{"id":"E' || i || '","email":"e' || i || '@example.com"}}}', 'UTF8'),
       ARRAY['traceparent'], 'unknown_vendor', 'data.access[0].vendor: "salesforce" is not a configured vendor', 'bench-bad-' || i,
       now() - make_interval(mins => i)
FROM generate_series(1, 1000) AS i;
COMMIT;
ANALYZE;
