"""Streams over driver connections."""

import asyncio

from starlette.responses import StreamingResponse
from starlette.websockets import WebSocket

from . import pools


async def ticker(websocket: WebSocket):
    await websocket.accept()
    # a pool imported as a module attribute, assigned in `init_pool` through `global apool`
    # ppa: resource.streaming_resource_holding CRITICAL
    async with pools.apool.acquire() as conn:
        while True:
            await websocket.send_json({"n": await conn.fetchval("SELECT count(*) FROM users")})
            await asyncio.sleep(1)


async def export(request):
    async def rows():
        # ppa: resource.streaming_resource_holding CRITICAL
        conn = pools.pool.getconn()
        try:
            for row in conn.execute("SELECT id FROM users"):
                yield f"{row[0]}\n"
        finally:
            pools.pool.putconn(conn)

    return StreamingResponse(rows(), media_type="text/csv")


async def export_scoped(request):
    async def rows():
        for page in range(10):
            # ppa-ok: resource.streaming_resource_holding
            with pools.pool.connection() as conn:
                batch = conn.execute("SELECT id FROM users LIMIT 100 OFFSET %s", (page * 100,)).fetchall()
            for row in batch:
                yield f"{row[0]}\n"

    return StreamingResponse(rows(), media_type="text/csv")
