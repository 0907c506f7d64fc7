"""Engines and the session factory."""

from collections.abc import AsyncIterator

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from .settings import settings

# The main engine: no liveness check, no pool listener, default pool size.
engine = create_async_engine(settings.database_url, echo=False)

SessionLocal = async_sessionmaker(engine, expire_on_commit=False)

# The reporting engine: pre-ping, recycling, a bounded pool and a checkout listener
# (app/monitoring.py).
reporting_engine = create_async_engine(
    settings.reporting_url,
    pool_pre_ping=True,
    pool_recycle=1800,
    pool_size=5,
    max_overflow=0,
)
ReportingSession = async_sessionmaker(reporting_engine, expire_on_commit=False)


async def get_session() -> AsyncIterator[AsyncSession]:
    async with SessionLocal() as session:
        yield session
