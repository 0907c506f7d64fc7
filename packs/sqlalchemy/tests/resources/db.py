"""Engines and session factories, imported by the other modules of this project."""

from functools import lru_cache

from sqlalchemy import create_engine, event
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from sqlalchemy.orm import scoped_session, sessionmaker

engine = create_engine("postgresql+psycopg://app@db/app", pool_pre_ping=True, pool_size=10, max_overflow=5)
SessionLocal = sessionmaker(bind=engine)

async_engine = create_async_engine(
    "postgresql+asyncpg://app@db/app", pool_pre_ping=True, pool_size=10, max_overflow=5
)
AsyncSessionLocal = async_sessionmaker(async_engine, expire_on_commit=False)
ScopedSession = scoped_session(sessionmaker(bind=engine))


@lru_cache
def get_factory():
    return sessionmaker(bind=engine)


@event.listens_for(engine, "checkout")
def on_checkout(dbapi_conn, record, proxy):
    record.info["checked_out"] = True


@event.listens_for(async_engine.sync_engine, "checkout")
def on_async_checkout(dbapi_conn, record, proxy):
    record.info["checked_out"] = True
