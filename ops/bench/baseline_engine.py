"""pgqueuer draining no-op jobs: the engine benchmark's baseline.

    baseline_engine.py DSN JOBS BATCH_SIZE

Installs pgqueuer's schema into the (empty) database DSN, enqueues JOBS jobs for a no-op
entrypoint in batches, then runs one QueueManager in drain mode (asyncpg driver) and times it
from the start of draining until the queue is empty and every job is completed. Prints JSON.
"""

import asyncio
import json
import sys
import time

import asyncpg
from pgqueuer import AsyncpgDriver, QueueManager, Queries
from pgqueuer.types import QueueExecutionMode


async def main(dsn: str, n: int, batch_size: int) -> None:
    connection = await asyncpg.connect(dsn)
    queries = Queries(AsyncpgDriver(connection))
    await queries.install()
    chunk = 1000
    for start in range(0, n, chunk):
        size = min(chunk, n - start)
        await queries.enqueue(["noop"] * size, [None] * size, [0] * size)
    await connection.close()

    connection = await asyncpg.connect(dsn)
    manager = QueueManager(Queries(AsyncpgDriver(connection)))
    done = 0

    @manager.entrypoint("noop")
    async def noop(job) -> None:
        nonlocal done
        done += 1

    started = time.perf_counter()
    await manager.run(batch_size=batch_size, mode=QueueExecutionMode.drain)
    seconds = time.perf_counter() - started
    await connection.close()

    check = await asyncpg.connect(dsn)
    left = await check.fetchval("SELECT count(*) FROM pgqueuer")
    await check.close()
    print(json.dumps({"jobs": done, "seconds": seconds, "jobs_per_second": done / seconds,
                      "left_in_queue": left, "batch_size": batch_size}))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])))
