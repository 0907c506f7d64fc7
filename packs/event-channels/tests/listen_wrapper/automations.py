"""Publishes automation changes; the listener lives behind a generic wrapper (listener.py)."""
import json

import redis.asyncio as redis
import sqlalchemy as sa

AUTOMATION_CHANGES_CHANNEL = "automation_changes"


async def notify_automation_change(session, automation_id, event):
    payload = json.dumps({"automation_id": str(automation_id), "event": event})
    # The wrapper `pg_listen(conn, channel_name)` adds a listener whose name is its parameter:
    # this publisher may be its consumer, so it is no orphan.
    # ppa-ok: transaction.event_channel_consistency
    await session.execute(sa.text(f"NOTIFY {AUTOMATION_CHANGES_CHANNEL}, '{payload}'"))


async def announce(client: redis.Redis, automation_id):
    # Redis has no wildcard subscriber here: nobody subscribes to this channel.
    # ppa: transaction.event_channel_consistency HIGH
    await client.publish("automation_announcements", str(automation_id))
