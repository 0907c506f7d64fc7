from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlalchemy.orm import sessionmaker

from .engines import async_engine, sync_engine

SessionLocal = async_sessionmaker(async_engine)
SyncSession = sessionmaker(sync_engine)
