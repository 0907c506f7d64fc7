"""Streams holding sessions (sse-starlette / Starlette responses, websockets)."""

import asyncio

from sqlalchemy import select, text
from sse_starlette.sse import EventSourceResponse
from starlette.responses import StreamingResponse
from starlette.websockets import WebSocket

from .db import AsyncSessionLocal, async_engine
from .models import Job


async def latest(s):
    return await s.scalar(select(Job.id).order_by(Job.id.desc()).limit(1))


# CHECKS.md §4.4 streaming_resource_holding ✗: the generator given to EventSourceResponse keeps
# its session for the whole stream.
async def events(request):
    # ppa: resource.streaming_resource_holding CRITICAL
    async with AsyncSessionLocal() as s:
        while True:
            yield {"data": await latest(s)}
            await asyncio.sleep(1)


async def events_endpoint(request):
    return EventSourceResponse(events(request))


# ✓ the spec's safe form: a scoped session per poll.
async def events_scoped(request):
    while True:
        # ppa-ok: resource.streaming_resource_holding
        async with AsyncSessionLocal() as s:
            data = await latest(s)
        yield {"data": data}
        await asyncio.sleep(1)


async def events_scoped_endpoint(request):
    return EventSourceResponse(events_scoped(request))


# ✓ the session commits after each use: its connection goes back to the pool.
async def events_committed(request):
    # ppa-ok: resource.streaming_resource_holding
    async with AsyncSessionLocal() as s:
        while True:
            data = await latest(s)
            # A failed commit propagates out of the `async with`, which closes the session.
            # ppa-ok: transaction.missing_rollback
            await s.commit()
            yield {"data": data}
            await asyncio.sleep(1)


async def events_committed_endpoint(request):
    return EventSourceResponse(events_committed(request))


# ✗ a connection from the engine, assigned, in a nested generator.
async def export(request):
    async def rows():
        # not released in a `finally` either: a second defect
        # ppa: resource.streaming_resource_holding CRITICAL, resource.error_path_leak MEDIUM
        conn = await async_engine.connect()
        result = await conn.stream(text("SELECT * FROM jobs"))
        async for row in result:
            yield f"{row.id}\n"
        await conn.close()

    return StreamingResponse(rows(), media_type="text/csv")


# ✗ a websocket handler holding a session for the life of the socket.
async def feed(websocket: WebSocket):
    await websocket.accept()
    # ppa: resource.streaming_resource_holding CRITICAL
    async with AsyncSessionLocal() as s:
        while True:
            await websocket.send_json({"id": await latest(s)})
            await asyncio.sleep(1)


# ✓ a batch iterator that is not a stream: nobody gives it to a streaming response.
async def iter_jobs():
    # ppa-ok: resource.streaming_resource_holding
    async with AsyncSessionLocal() as s:
        for job in await s.scalars(select(Job)):
            yield job


# A long poll (a waiting loop of ≥ 30 s in a request handler) holding its session: HIGH
# (CHECKS.md §4.4). Handlers from ppa-facts.toml.
async def wait_for_job(request):
    # ppa: resource.streaming_resource_holding HIGH
    async with AsyncSessionLocal() as s:
        for _ in range(60):
            job_id = await latest(s)
            if job_id:
                return {"id": job_id}
            await asyncio.sleep(1)
    return {"id": None}


async def wait_briefly(request):
    # ppa-ok: resource.streaming_resource_holding   10 × 0.5 s: a short wait, not a long poll
    async with AsyncSessionLocal() as s:
        for _ in range(10):
            if await latest(s):
                return {"ready": True}
            await asyncio.sleep(0.5)
    return {"ready": False}


async def wait_with_fresh_sessions(request):
    for _ in range(60):
        # ppa-ok: resource.streaming_resource_holding   a session per round, closed each time
        async with AsyncSessionLocal() as s:
            job_id = await latest(s)
        if job_id:
            return {"id": job_id}
        await asyncio.sleep(1)
    return {"id": None}


async def nightly_poll():
    # ppa-ok: resource.streaming_resource_holding   not on the request path (no handler)
    async with AsyncSessionLocal() as s:
        for _ in range(120):
            if await latest(s):
                return
            await asyncio.sleep(1)
