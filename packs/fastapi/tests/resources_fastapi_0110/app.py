"""FastAPI 0.106–0.117: the code after a dependency's `yield` runs before the response is sent."""

import asyncio

from fastapi import APIRouter, Depends
from fastapi.responses import StreamingResponse
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

engine = create_async_engine("postgresql+asyncpg://app@db/app")
SessionLocal = async_sessionmaker(engine)
router = APIRouter()


async def get_session():
    async with SessionLocal() as session:
        yield session


async def gen(db):
    while True:
        yield str(await db.scalar(text("SELECT 1")))
        await asyncio.sleep(1)


# The session is closed before streaming starts: the stream fails on first use (HIGH).
@router.get("/stream")
# ppa: resource.factory_vs_injection HIGH
async def stream(db: AsyncSession = Depends(get_session)):
    return StreamingResponse(gen(db))


# Used before the stream only: closed before streaming, so nothing is held.
@router.get("/stream2")
# ppa-ok: resource.factory_vs_injection
async def stream2(uid: int, db: AsyncSession = Depends(get_session)):
    n = await db.scalar(select(uid))
    return StreamingResponse(iter([str(n)]))
