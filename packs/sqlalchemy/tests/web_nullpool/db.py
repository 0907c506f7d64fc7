# A long-running web app (no serverless marker, no pooler) that disabled pooling.
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool

engine = create_async_engine(
    "postgresql+asyncpg://app@db/app",
    # ppa: resource.pool_configuration MEDIUM
    poolclass=NullPool,
)
SessionLocal = async_sessionmaker(engine, expire_on_commit=False)
