"""Pools of this project (F8 sites), imported by the other modules."""

import asyncpg
from psycopg_pool import ConnectionPool


async def check(conn):
    await conn.execute("SELECT 1")


pool = ConnectionPool("postgresql://app@db/app", max_size=10, check=ConnectionPool.check_connection)
apool = None


async def init_pool():
    global apool
    apool = await asyncpg.create_pool("postgresql://app@db/app", max_size=10)
