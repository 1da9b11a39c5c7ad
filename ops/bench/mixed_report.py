"""The `mixed` benchmark's figures (ops/bench/run mixed): reads the fakes' call summary
(`roster dev fakes --calls-file`), the benchmark database and the events' summary, and prints.

    python mixed_report.py CALLS.json DATABASE_URL SUMMARY.json UNFINISHED

Classification of a call at a fake:
- a read: GET (or HEAD/OPTIONS); at Relevance AI also any POST whose path ends in `/list`
  (`/latest/auth/users/list`, `/latest/auth/invite/list`, `/latest/auth/users/{id}/keys/list`):
  Relevance AI lists with POST and a filter body, and those change nothing;
- an applied mutation: any other call the fake answered 2xx;
- a failed mutation: any other call answered otherwise (404, 409, 429, …).

The vendors' limits: the fakes enforce none by default (`FakeTrafficControl` starts without a
rate limit; `roster dev fakes` sets one only with `--openai-rate`), so each vendor's binding limit
is Roster's default budget (Sources/RosterCore/Config/VendorConfiguration+Defaults.swift):
OpenAI, Confident AI and Relevance AI 5 requests/s with a burst of 10; PostHog its two published
windows, 480/minute (burst 10) and 4,800/hour (burst 480), as GCRA with emission interval
period / (limit − burst + 1). A budget of rate r and burst b lets N calls through no sooner than
(N − b) / r; with several windows, the slowest of them. "The slowest vendor's limit" is that
time for each vendor's applied mutations, the most over vendors: how long the work would take if
every call were a needed mutation.
"""
import json
import re
import sys

import psycopg

# (requests per second, burst) per window, per vendor instance (see the docstring).
BUDGETS = {
    "openai": [(5.0, 10)],
    "posthog": [((480 - 10 + 1) / 60, 10), ((4800 - 480 + 1) / 3600, 480)],
    "confident": [(5.0, 10)],
    "relevance": [(5.0, 10)],
}
BUDGET_TEXT = {
    "openai": "5/s burst 10",
    "posthog": "480/min+4800/h",
    "confident": "5/s burst 10",
    "relevance": "5/s burst 10",
}
ORDER = ["openai", "posthog", "confident", "relevance"]


def is_read(vendor, key):
    method, path = key.split(" ", 1)
    if method in ("GET", "HEAD", "OPTIONS"):
        return True
    return vendor == "relevance" and method == "POST" and path.rstrip("/").endswith("/list")


def template(key):
    """`POST /v1/organization/projects/proj_000003/users` → `POST /v1/organization/projects/{id}/users`:
    every path segment holding a digit (the fakes' ids all do), except a version like `v1`."""
    method, path = key.split(" ", 1)
    parts = ["{id}" if re.search(r"\d", p) and not re.fullmatch(r"v\d+", p) else p for p in path.split("/")]
    return f"{method} {'/'.join(parts)}"


def minimum_seconds(vendor, calls):
    return max(max(calls - burst, 0) / rate for rate, burst in BUDGETS[vendor])


def main():
    calls_path, url, summary_path, unfinished = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    fakes = json.load(open(calls_path))
    summary = json.load(open(summary_path))

    with psycopg.connect(url) as db:
        by_status = db.execute("select type, status, count(*) from jobs group by 1, 2 order by 1, 2").fetchall()
        letters = db.execute("select code, count(*) from dead_letters group by 1 order by 1").fetchall()
        events = db.execute("select count(*) from events").fetchone()[0]
        attempts = db.execute("select count(*) from step_attempts").fetchone()[0]
        audited = dict(db.execute("select vendor, count(*) from audit_log where vendor is not null group by 1").fetchall())
        span = db.execute("""select extract(epoch from (select max(finished_at) from jobs) - (select min(received_at) from events)),
                                    extract(epoch from (select max(at) from audit_log) - (select min(received_at) from events))""").fetchone()
        errors = db.execute("""select type, status, left(coalesce(last_error, cancel_reason, ''), 160), count(*) from jobs
                               where status in ('dead', 'cancelled') or (status not in ('succeeded') and last_error is not null)
                               group by 1, 2, 3 order by 4 desc limit 6""").fetchall()

    print(f"  published: {summary['published']} messages ({summary['joiners']} joiners, {summary['moves']} moves, "
          f"{summary['leavers']} leavers, {summary['duplicates']} duplicates, {summary['invalid']} invalid; seed {summary['seed']}); "
          f"grants asked per vendor: " + ", ".join(f"{v} {summary['grants'][v]}" for v in ORDER))
    print(f"  stored: {events} events (expected {summary['jobs_expected']}), dead letters: "
          + (", ".join(f"{c} {n}" for c, n in letters) or "none") + f"; step attempts {attempts}")
    statuses = {}
    for kind, status, count in by_status:
        statuses.setdefault(kind, []).append(f"{status} {count}")
    print("  jobs by final status: " + "; ".join(f"{k}: {', '.join(v)}" for k, v in sorted(statuses.items())))
    for kind, status, reason, count in errors:
        print(f"    {count} x {kind} {status}: {reason}")
    if unfinished:
        print(f"  NOT SETTLED: {unfinished} jobs unfinished")

    print(f"  {'vendor':<10} {'budget':<15} {'calls':>6} {'reads':>6} {'applied':>7} {'failed':>6} {'429':>4} "
          f"{'req/applied':>11} {'makespan':>9} {'min time':>9} {'audited':>7}")
    firsts, lasts, limits = [], [], []
    for vendor in ORDER:
        d = fakes.get(vendor)
        if d is None:
            continue
        reads = applied = failed = 0
        for key, p in d["paths"].items():
            if is_read(vendor, key):
                reads += p["count"]
            else:
                applied += p["status_2xx"]
                failed += p["count"] - p["status_2xx"]
        calls = d["count"]
        makespan = (d["last_s"] - d["first_s"]) if d["first_s"] is not None else 0.0
        if d["first_s"] is not None:
            firsts.append(d["first_s"])
            lasts.append(d["last_s"])
        minimum = minimum_seconds(vendor, applied)
        limits.append((minimum, vendor))
        ratio = f"{calls / applied:.2f}" if applied else "-"
        print(f"  {vendor:<10} {BUDGET_TEXT[vendor]:<15} {calls:>6.0f} {reads:>6.0f} {applied:>7.0f} {failed:>6.0f} "
              f"{d['status_429']:>4.0f} {ratio:>11} {makespan:>8.1f}s {minimum:>8.1f}s {audited.get(vendor, 0):>7}")
    print("  (req/applied: calls per applied mutation, target <= 1.5; min time: (applied - burst) / rate, "
          "the slowest window; audited: audit_log rows)")

    print("  busiest paths (ids as {id}; calls, of which 2xx):")
    for vendor in ORDER:
        d = fakes.get(vendor)
        if d is None:
            continue
        grouped = {}
        for key, p in d["paths"].items():
            t = template(key)
            count, ok = grouped.get(t, (0, 0))
            grouped[t] = (count + p["count"], ok + p["status_2xx"])
        top = sorted(grouped.items(), key=lambda kv: -kv[1][0])[:6]
        print(f"    {vendor}: " + ", ".join(f"{'(read) ' if is_read(vendor, t) else ''}{t} {c:.0f}/{ok:.0f}" for t, (c, ok) in top))

    makespan = (max(lasts) - min(firsts)) if firsts else 0.0
    slowest, which = max(limits)
    ratio = f"{makespan / slowest:.2f}" if slowest > 0 else "-"
    print(f"  makespan {makespan:.1f} s (first call at any fake to the last; events received to last job finished "
          f"{float(span[0] or 0):.1f} s)")
    print(f"  slowest vendor's limit: {slowest:.1f} s ({which}); makespan / that = {ratio} (target <= 1.3)")


if __name__ == "__main__":
    main()
