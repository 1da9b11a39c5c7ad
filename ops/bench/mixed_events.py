"""The `mixed` benchmark's events: a fixed-seed mix of HR events in the CloudEvents shape of
schemas/examples, one per line, in publish order (ops/bench/run mixed).

    python mixed_events.py N SEED EVENTS.jsonl SUMMARY.json

Of N published messages: about 80 % joiners (onboardings into one to four of the vendors, in
their department's project at each), 9 % moves (a `changed` event moving an onboarded employee to
another department's projects at the same vendors), 8 % leavers (offboardings of onboarded
employees who did not move), and the rest split between duplicates (an earlier valid event
published again, same id, same bytes) and invalid events (each fails validation: no employee
id, a bad email, an unknown type, a grant without a role). Moves and leavers come after their
employee's onboarding in the topic (same key, so same partition and order), and carry
`sequence` 2 after the onboarding's 1; duplicates come after their original.
"""
import json
import random
import sys

VENDORS = ["openai", "posthog", "confident", "relevance"]
# The project each vendor grants, per department.
DEPARTMENTS = ["Research", "Platform", "Support", "Sales"]
SUFFIX = {"openai": "ai", "posthog": "analytics", "confident": "evals", "relevance": "agents"}


def project(vendor, department):
    return f"{department.lower()}-{SUFFIX[vendor]}"


def main():
    n, seed, events_path, summary_path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
    rng = random.Random(seed)
    joiners = round(n * 0.80)
    moves = round(n * 0.09)
    leavers = round(n * 0.08)
    rest = max(n - joiners - moves - leavers, 0)
    duplicates = rest // 2
    invalid = rest - duplicates

    timeline = []  # (position in 0..1, serialized event)

    def event(kind, position, seq, employee, data_extra, event_id):
        hours, minutes = divmod(int(position * 8 * 60), 60)
        body = {
            "specversion": "1.0", "id": event_id, "source": "hris://bench-mixed", "type": f"hr.employee.{kind}",
            "time": f"2026-11-24T{8 + hours:02d}:{minutes:02d}:00Z", "subject": employee["id"],
            "datacontenttype": "application/json",
            "data": {"employee": employee, **data_extra, "sequence": seq},
        }
        return json.dumps(body, separators=(",", ":"))

    people = []
    grants = {v: 0 for v in VENDORS}
    for i in range(joiners):
        eid = f"M{i:05d}"
        department = rng.choice(DEPARTMENTS)
        vendors = [v for v in VENDORS if rng.random() < 0.5] or [rng.choice(VENDORS)]
        for v in vendors:
            grants[v] += 1
        employee = {"id": eid, "email": f"{eid.lower()}@example.com", "name": f"Person {eid}", "department": department}
        access = [{"vendor": v, "project": project(v, department), "role": "member"} for v in vendors]
        position = rng.random()
        timeline.append((position, event("onboarding", position, 1, employee, {"access": access}, f"mixed-on-{eid}")))
        people.append((eid, employee, vendors, position))

    followers = rng.sample(people, min(moves + leavers, len(people)))
    for k, (eid, employee, vendors, joined) in enumerate(followers):
        position = rng.uniform(joined, 1.0)
        if k < moves:
            department = rng.choice([d for d in DEPARTMENTS if d != employee["department"]])
            moved = {**employee, "department": department}
            access = [{"vendor": v, "project": project(v, department), "role": "member"} for v in vendors]
            timeline.append((position, event("changed", position, 2, moved, {"access": access}, f"mixed-move-{eid}")))
        else:
            leaver = {"id": eid, "email": employee["email"]}
            timeline.append((position, event("offboarding", position, 2, leaver, {}, f"mixed-off-{eid}")))

    valid = list(timeline)
    for _ in range(duplicates):
        position, line = rng.choice(valid)
        timeline.append((rng.uniform(position, 1.0), line))

    broken = [
        lambda e: e["data"]["employee"].pop("id"),                          # no employee id
        lambda e: e["data"]["employee"].__setitem__("email", "not-an-email"),  # bad email
        lambda e: e.__setitem__("type", "hr.employee.promoted"),            # unknown type
        lambda e: e["data"]["access"][0].pop("role"),                       # grant without a role
    ]
    for k in range(invalid):
        eid = f"X{k:05d}"
        position = rng.random()
        e = json.loads(event("onboarding", position, 1,
                             {"id": eid, "email": f"{eid.lower()}@example.com", "name": f"Broken {eid}", "department": "Research"},
                             {"access": [{"vendor": "openai", "project": project("openai", "Research"), "role": "member"}]},
                             f"mixed-bad-{eid}"))
        broken[k % len(broken)](e)
        timeline.append((position, json.dumps(e, separators=(",", ":"))))

    timeline.sort(key=lambda item: item[0])
    with open(events_path, "w") as out:
        for _, line in timeline:
            out.write(line + "\n")
    with open(summary_path, "w") as out:
        json.dump({
            "published": len(timeline), "joiners": joiners, "moves": min(moves, len(followers)),
            "leavers": max(len(followers) - moves, 0), "duplicates": duplicates, "invalid": invalid,
            "jobs_expected": len(valid), "grants": grants, "seed": seed,
        }, out)


if __name__ == "__main__":
    main()
