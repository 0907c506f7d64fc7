import os

import asyncpg
import redis.asyncio as redis

from channels import ORDERS_CREATED, SHIPMENTS
import channels

REPORTS_CHANNEL = "report_ready"


async def on_event(conn, pid, channel, payload):
    print(channel, payload)


async def listen(dsn):
    conn = await asyncpg.connect(dsn)
    # ppa-ok: transaction.event_channel_consistency
    await conn.add_listener("job_events", on_event)
    # Misspelt: the publisher says `user_events`.
    # ppa: transaction.event_channel_consistency CRITICAL
    await conn.add_listener("user_event", on_event)
    # From the environment: cannot be decided, no finding.
    # ppa-ok: transaction.event_channel_consistency
    await conn.add_listener(os.environ["AUDIT_CHANNEL"], on_event)
    # A same-module constant that matches the app's NOTIFY below.
    # ppa-ok: transaction.event_channel_consistency
    await conn.add_listener(REPORTS_CHANNEL, on_event)
    # Nobody publishes this one.
    # ppa: transaction.event_channel_consistency MEDIUM
    await conn.execute("LISTEN password_resets")


async def consume():
    client = redis.Redis()
    pubsub = client.pubsub()
    # ppa-ok: transaction.event_channel_consistency
    await pubsub.subscribe(ORDERS_CREATED)
    # ppa-ok: transaction.event_channel_consistency
    await pubsub.psubscribe("shipments:*")
    # Imported through the module: resolves to the same constant as the publisher.
    # ppa-ok: transaction.event_channel_consistency
    await pubsub.subscribe(channels.SHIPMENTS)
