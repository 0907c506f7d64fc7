"""Request handlers that wait for a row to appear (long polls), with driver connections."""

import asyncio
import time

from . import pools


async def wait_for_export(request, export_id: int):
    # ppa: resource.streaming_resource_holding HIGH   held for up to 60 × 1 s
    async with pools.apool.acquire() as conn:
        for _ in range(60):
            row = await conn.fetchrow("SELECT url FROM exports WHERE id = $1", export_id)
            if row:
                return {"url": row["url"]}
            await asyncio.sleep(1)
    return {"url": None}


def wait_for_export_sync(request, export_id: int):
    # ppa: resource.streaming_resource_holding HIGH   30 × 2 s with a pooled connection
    conn = pools.pool.getconn()
    try:
        for _ in range(30):
            row = conn.execute("SELECT url FROM exports WHERE id = %s", (export_id,)).fetchone()
            if row:
                return {"url": row[0]}
            time.sleep(2)
    finally:
        pools.pool.putconn(conn)
    return {"url": None}


async def wait_per_round(request, export_id: int):
    for _ in range(60):
        # ppa-ok: resource.streaming_resource_holding   acquired and released in each round
        async with pools.apool.acquire() as conn:
            row = await conn.fetchrow("SELECT url FROM exports WHERE id = $1", export_id)
        if row:
            return {"url": row["url"]}
        await asyncio.sleep(1)
    return {"url": None}
