# The subscriber of the trigger's channel, through the constant of events.py.
import asyncpg

from .events import CHANNEL


def on_event(conn, pid, channel, payload):
    print(channel, payload)


async def listen(dsn: str):
    conn = await asyncpg.connect(dsn)
    # ppa-ok: transaction.event_channel_consistency
    await conn.add_listener(CHANNEL, on_event)
    return conn
