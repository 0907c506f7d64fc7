# F6 `session_factories` (facts only): the factory styles and their options. See
# packs/tests/snapshots/facts__sqlalchemy.snap for the records.
from functools import lru_cache

from sqlalchemy import create_engine, event
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import Session, scoped_session, sessionmaker

sync_engine = create_engine("postgresql+psycopg://app@db/app", pool_pre_ping=True, pool_size=10, max_overflow=5)
async_engine = create_async_engine("postgresql+asyncpg://app@db/app", pool_pre_ping=True, pool_size=10, max_overflow=5)
event.listen(sync_engine, "checkout", lambda *args: None)
event.listen(async_engine.sync_engine, "checkout", lambda *args: None)

SessionLocal = sessionmaker(bind=sync_engine, autoflush=False)
AsyncSessionLocal = async_sessionmaker(async_engine, expire_on_commit=False)
LegacyAsync = sessionmaker(async_engine, class_=AsyncSession, expire_on_commit=False)
ScopedSession = scoped_session(sessionmaker(bind=sync_engine, expire_on_commit=False))

# Bound later: `configure` in the same file adds its options.
Unbound = sessionmaker()
Unbound.configure(bind=sync_engine, expire_on_commit=False)


@lru_cache
def get_session_factory():
    return async_sessionmaker(bind=async_engine, class_=AsyncSession, autoflush=False)


class Repository:
    def __init__(self, engine):
        self.session_factory = sessionmaker(bind=engine, class_=Session)
