# resource.pool_configuration for driver pools: asyncpg and psycopg_pool (liveness and bounds),
# one finding per gap. No HTTP handlers or deployment files in this project.
import os

import asyncpg
import psycopg2.pool
import redis
from psycopg_pool import AsyncConnectionPool, ConnectionPool, NullConnectionPool

DSN = "postgresql://app:secret@db:5432/app"


async def init_asyncpg():
    # Bounded by default (10): only the default size is noted.
    # ppa: resource.pool_configuration LOW
    pool = await asyncpg.create_pool(DSN)
    # ppa-ok: resource.pool_configuration
    tuned = await asyncpg.create_pool(DSN, min_size=2, max_size=20, max_inactive_connection_lifetime=120)
    never_recycled = await asyncpg.create_pool(
        DSN,
        max_size=20,
        # ppa: resource.pool_configuration MEDIUM
        max_inactive_connection_lifetime=0,
    )
    return pool, tuned, never_recycled


shared = None


async def on_startup():
    # A module's pool built in a startup hook (`global shared`): judged like one at module level.
    global shared
    # ppa: resource.pool_configuration LOW
    shared = await asyncpg.create_pool(DSN)


async def probe():
    # A local pool that lives for one call: no pool to configure.
    # ppa-ok: resource.pool_configuration
    p = await asyncpg.create_pool(DSN)
    await p.fetchval("SELECT 1")
    await p.close()


class Db:
    async def start(self):
        # `async with … as pool`: the pool is bound to `pool`.
        # ppa-ok: resource.pool_configuration
        async with asyncpg.create_pool(dsn=os.environ["DATABASE_URL"], max_size=15) as pool:
            self.pool = pool


# No check= and no max_size: two gaps of one site, at the constructor and its arguments.
# ppa: resource.pool_configuration MEDIUM
# ppa: resource.pool_configuration LOW
pool = ConnectionPool(DSN)

# ppa-ok: resource.pool_configuration
checked = ConnectionPool(DSN, min_size=2, max_size=10, check=ConnectionPool.check_connection)

# Sized later with resize(): no default-size gap.
# ppa-ok: resource.pool_configuration
resized = ConnectionPool(DSN, check=ConnectionPool.check_connection, open=False)
resized.resize(4, 16)

# ppa: resource.pool_configuration MEDIUM
apool = AsyncConnectionPool(conninfo=DSN, max_size=10, open=False)

# A null pool keeps no connections; psycopg2's pools need an explicit maxconn.
# ppa-ok: resource.pool_configuration
nopool = NullConnectionPool(DSN)
# ppa-ok: resource.pool_configuration
legacy = psycopg2.pool.ThreadedConnectionPool(1, 10, DSN)

# Options from an unknown mapping cannot be judged.
# ppa-ok: resource.pool_configuration
configured = ConnectionPool(DSN, **os.environ.get("POOL_OPTIONS", {}))

# redis-py pools are unbounded by default (max_connections=None): a known gap, not yet reported.
# ppa-todo: resource.pool_configuration
cache_pool = redis.ConnectionPool.from_url("redis://cache:6379/0")
