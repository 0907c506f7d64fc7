"""Engine, factory and the providers (F7) of this project."""

from collections.abc import AsyncIterator, Iterator

import asyncpg
from sqlalchemy import create_engine
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import Session

engine = create_async_engine("postgresql+asyncpg://app@db/app")
SessionLocal = async_sessionmaker(engine, expire_on_commit=False)
sync_engine = create_engine("postgresql+psycopg://app@db/app")
pool = None


# ✓ context manager: released on every path, rolls back on error inside `begin()`.
async def get_session() -> AsyncIterator[AsyncSession]:
    # ppa-ok: resource.error_path_leak
    async with SessionLocal() as session:
        yield session


async def get_tx() -> AsyncIterator[AsyncSession]:
    async with SessionLocal.begin() as session:
        yield session


# CHECKS.md §4.4 error_path_leak ✗: the close after a plain `yield` is skipped when the endpoint
# raises (FastAPI throws the exception into the generator at the yield).
def get_db() -> Iterator[Session]:
    db = Session(sync_engine)
    # ppa: resource.error_path_leak CRITICAL
    yield db
    db.close()


# ✓ the spec's safe form.
def get_db_safe() -> Iterator[Session]:
    db = Session(sync_engine)
    try:
        # ppa-ok: resource.error_path_leak
        yield db
    finally:
        db.close()


# ✓ finally with rollback on error.
async def get_db_rollback() -> AsyncIterator[AsyncSession]:
    session = SessionLocal()
    try:
        # ppa-ok: resource.error_path_leak
        yield session
    except Exception:
        await session.rollback()
        raise
    finally:
        await session.close()


# ✗ a raw asyncpg connection, never released on failure; no handler uses it: MEDIUM.
async def get_conn():
    conn = await asyncpg.connect("postgresql://app@db/app")
    # ppa: resource.error_path_leak MEDIUM
    yield conn
    await conn.close()


# ✓ a generator that yields something else.
def get_settings():
    # ppa-ok: resource.error_path_leak
    yield {"debug": False}


# ✓ `begin()` around the yield ends the transaction and returns the connection on every path.
def get_db_begin() -> Iterator[Session]:
    db = Session(sync_engine)
    with db.begin():
        # ppa-ok: resource.error_path_leak
        yield db
