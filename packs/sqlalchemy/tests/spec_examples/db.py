# Engines and session factories the CHECKS.md §4 examples use.
import os

from sqlalchemy import create_engine, event
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from sqlalchemy.orm import Session, sessionmaker

DSN = os.environ["DATABASE_URL"]

sync_engine = create_engine(DSN, pool_pre_ping=True, pool_recycle=1800, pool_size=10, max_overflow=5)
SessionLocal = sessionmaker(sync_engine)
async_engine = create_async_engine(DSN, pool_pre_ping=True, pool_recycle=1800, pool_size=10, max_overflow=5)
AsyncSessionLocal = async_sessionmaker(async_engine, expire_on_commit=False)


@event.listens_for(sync_engine, "checkout")
def _on_checkout(dbapi_conn, conn_record, conn_proxy):
    conn_record.info["checked_out"] = True


@event.listens_for(async_engine.sync_engine, "checkout")
def _on_async_checkout(dbapi_conn, conn_record, conn_proxy):
    conn_record.info["checked_out"] = True
