#!/usr/bin/env python3
"""Baseline for the ingest benchmark: the plain consumer most teams would write first.

confluent-kafka consumer in a group, one event at a time: parse, INSERT in its own transaction
(psycopg), then a synchronous offset commit. Prints one JSON line with the measured figures:
events/s from the first poll that returned a message to the last commit.
"""
import json, sys, time

from confluent_kafka import Consumer, KafkaException
import psycopg


def main():
    brokers, topic, group, dsn, expected = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
    db = psycopg.connect(dsn, autocommit=True)  # each `transaction()` below is then a real BEGIN/COMMIT
    db.execute("""CREATE TABLE IF NOT EXISTS baseline_events (
        event_id text PRIMARY KEY, type text NOT NULL, employee_id text NOT NULL,
        topic text NOT NULL, partition int NOT NULL, "offset" bigint NOT NULL, payload jsonb NOT NULL)""")
    consumer = Consumer({
        "bootstrap.servers": brokers, "group.id": group, "enable.auto.commit": False,
        "auto.offset.reset": "earliest", "fetch.wait.max.ms": 100,
    })
    consumer.subscribe([topic])
    done = 0
    first = None
    last_commit = None
    deadline = time.monotonic() + 600
    while done < expected and time.monotonic() < deadline:
        msg = consumer.poll(1.0)
        if msg is None:
            continue
        if msg.error():
            raise KafkaException(msg.error())
        if first is None:
            first = time.monotonic()
        event = json.loads(msg.value())
        with db.transaction():
            db.execute(
                'INSERT INTO baseline_events VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING',
                (event["id"], event["type"], event["data"]["employee"]["id"], msg.topic(), msg.partition(), msg.offset(), msg.value().decode()),
            )
        consumer.commit(message=msg, asynchronous=False)
        last_commit = time.monotonic()
        done += 1
    consumer.close()
    elapsed = (last_commit - first) if first and last_commit else float("nan")
    print(json.dumps({"events": done, "seconds": elapsed, "events_per_second": done / elapsed if elapsed else 0}))


if __name__ == "__main__":
    main()
