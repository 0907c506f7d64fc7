"""Streaming endpoints: they build the streaming response themselves."""

import asyncio

from fastapi import APIRouter, Depends
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sse_starlette.sse import EventSourceResponse

from .db import SessionLocal, get_session
from .models import User

router = APIRouter()


async def gen(db):
    while True:
        yield {"data": await db.scalar(select(User.id).limit(1))}
        await asyncio.sleep(1)


def get_factory() -> async_sessionmaker:
    return SessionLocal


async def gen_factory(factory):
    while True:
        async with factory() as s:
            n = await s.scalar(select(User.id).limit(1))
        yield {"data": n}
        await asyncio.sleep(1)


# CHECKS.md §4.4 factory_vs_injection ✗: the DI session reaches the stream generator.
@router.get("/stream")
# ppa: resource.factory_vs_injection CRITICAL
async def stream(db: AsyncSession = Depends(get_session)):
    return EventSourceResponse(gen(db))


# ✓ the spec's safe form: the factory is injected, the generator opens scoped sessions.
@router.get("/stream2")
# ppa-ok: resource.factory_vs_injection
async def stream2(factory: async_sessionmaker = Depends(get_factory)):
    return EventSourceResponse(gen_factory(factory))


# ✗ used before the stream and never committed: the connection stays checked out.
@router.get("/stream3")
# ppa: resource.factory_vs_injection CRITICAL
async def stream3(uid: int, db: AsyncSession = Depends(get_session)):
    user = await db.get(User, uid)
    return EventSourceResponse(gen_factory(lambda: SessionLocal()), headers={"X-User": user.name})


# ✓ authorized, then committed (connection returned) before the stream; not in the stream.
@router.get("/stream4")
# ppa-ok: resource.factory_vs_injection
async def stream4(uid: int, db: AsyncSession = Depends(get_session)):
    user = await db.get(User, uid)
    await db.commit()
    return EventSourceResponse(gen_factory(get_factory()), headers={"X-User": user.name})


# HIGH: `scope="function"` closes the session before the stream, which then uses it.
@router.get("/stream5")
# ppa: resource.factory_vs_injection HIGH
async def stream5(db: AsyncSession = Depends(get_session, scope="function")):
    return EventSourceResponse(gen(db))
