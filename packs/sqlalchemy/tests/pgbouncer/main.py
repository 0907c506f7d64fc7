# Behind PgBouncer in transaction mode (compose service `pgbouncer`): SQLAlchemy's pool is
# disabled on purpose and PgBouncer pools the server connections.
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

# ppa-ok: resource.pool_configuration
engine = create_async_engine(
    "postgresql+asyncpg://app@pgbouncer:6432/app",
    poolclass=NullPool,
    connect_args={"statement_cache_size": 0},
)
app = FastAPI()


@app.get("/ping")
async def ping():
    async with engine.connect() as conn:
        return (await conn.execute(text("select 1"))).scalar()
