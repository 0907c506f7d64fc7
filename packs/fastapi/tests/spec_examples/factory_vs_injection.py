# CHECKS.md §4 resource.factory_vs_injection, PY examples: a request-scoped session handed to
# a stream or a background task vs. the factory or an id.
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sse_starlette.sse import EventSourceResponse

from .models import Item

router = APIRouter()
engine = create_async_engine("postgresql+asyncpg://app@db/app", pool_pre_ping=True)
SessionLocal = async_sessionmaker(engine, expire_on_commit=False)


async def get_db() -> AsyncIterator[AsyncSession]:
    async with SessionLocal() as db:
        yield db


def get_factory() -> async_sessionmaker:
    return SessionLocal


SessionDep = Annotated[AsyncSession, Depends(get_db)]


async def gen(db: AsyncSession):
    while True:
        yield {"data": (await db.scalars(select(Item.name))).first()}


async def gen_factory(factory: async_sessionmaker):
    while True:
        async with factory() as s:
            name = (await s.scalars(select(Item.name))).first()
        yield {"data": name}


@router.get("/stream")
# ppa: resource.factory_vs_injection
async def stream(db: AsyncSession = Depends(get_db)):
    return EventSourceResponse(gen(db))


@router.get("/stream2")
# ppa-ok: resource.factory_vs_injection
async def stream_factory(factory: async_sessionmaker = Depends(get_factory)):
    return EventSourceResponse(gen_factory(factory))


async def reindex(target):
    print("reindex", target)


@router.post("/items")
# ppa: resource.factory_vs_injection
async def create(bg: BackgroundTasks, db: SessionDep):
    bg.add_task(reindex, db)


@router.post("/items2")
# ppa-ok: resource.factory_vs_injection
async def create_by_id(item_id: int, bg: BackgroundTasks):
    bg.add_task(reindex, item_id)  # reindex opens its own session
