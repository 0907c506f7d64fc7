"""A generic LISTEN helper: the channel is its caller's argument."""
import asyncio

import asyncpg

from automations import AUTOMATION_CHANGES_CHANNEL


async def pg_listen(connection: asyncpg.Connection, channel_name: str):
    queue: asyncio.Queue[str] = asyncio.Queue()

    def on_notify(conn, pid, channel, payload):
        queue.put_nowait(payload)

    # ppa-ok: transaction.event_channel_consistency
    await connection.add_listener(channel_name, on_notify)
    while True:
        yield await queue.get()


async def follow_automations(dsn: str):
    conn = await asyncpg.connect(dsn)
    async for payload in pg_listen(conn, AUTOMATION_CHANGES_CHANNEL):
        print(payload)
