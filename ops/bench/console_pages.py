"""Measures `roster console` pages: bytes sent and server time per page, over a keep-alive
connection with a session cookie (what a browser does). Prints one line per page and a JSON
summary. Standard library only.

    python3 console_pages.py BASE_URL ROUNDS PATH…
"""
import http.client
import json
import statistics
import sys
import time
import urllib.parse

base, rounds, paths = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
url = urllib.parse.urlparse(base)
conn = http.client.HTTPConnection(url.hostname, url.port, timeout=120)
cookie = None


def get(path):
    global cookie
    headers = {"Cookie": cookie} if cookie else {}
    started = time.perf_counter()
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - started
    set_cookie = response.getheader("Set-Cookie")
    if set_cookie:
        cookie = set_cookie.split(";")[0]
    return response.status, body, elapsed


get("/")  # session
summary = []
print(f"  {'page':<58} {'status':>6} {'bytes':>9} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
for path in paths:
    times, size, status = [], 0, 0
    for _ in range(rounds):
        status, body, elapsed = get(path)
        times.append(elapsed * 1000)
        size = len(body)
        if b"@" in body:
            print(f"  WARNING: {path} contains '@'", file=sys.stderr)
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * len(times) + 0.5)) - 1)]
    row = {"path": path, "status": status, "bytes": size, "p50_ms": statistics.median(times), "p95_ms": p95, "max_ms": times[-1]}
    summary.append(row)
    print(f"  {path[:58]:<58} {status:>6} {size:>9,} {row['p50_ms']:>8.1f} {p95:>8.1f} {times[-1]:>8.1f}")
print(json.dumps(summary))
