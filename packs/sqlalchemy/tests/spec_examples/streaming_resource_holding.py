# CHECKS.md §4 resource.streaming_resource_holding, PY examples: a session held for the life
# of an SSE stream vs. one session per tick.
import asyncio

from sqlalchemy import select
from sse_starlette.sse import EventSourceResponse

from .db import AsyncSessionLocal as SessionLocal
from .models import Job


async def latest(s):
    return (await s.scalars(select(Job.status))).first()


async def events(request):
    # ppa: resource.streaming_resource_holding
    async with SessionLocal() as s:
        while True:
            yield {"data": await latest(s)}
            await asyncio.sleep(1)


async def stream(request):
    return EventSourceResponse(events(request))


async def events_per_tick(request):
    while True:
        # ppa-ok: resource.streaming_resource_holding
        async with SessionLocal() as s:
            data = await latest(s)
        yield {"data": data}
        await asyncio.sleep(1)


async def stream_per_tick(request):
    return EventSourceResponse(events_per_tick(request))
