"""Driver connections acquired by hand."""

import asyncpg
import psycopg
import psycopg2

from .pools import pool


async def fetch_user(dsn, uid):
    # ppa: resource.missing_cleanup HIGH
    conn = await asyncpg.connect(dsn)
    return await conn.fetchrow("SELECT * FROM users WHERE id = $1", uid)


async def fetch_user_safe(dsn, uid):
    # ppa-ok: resource.missing_cleanup, resource.error_path_leak
    conn = await asyncpg.connect(dsn)
    try:
        return await conn.fetchrow("SELECT * FROM users WHERE id = $1", uid)
    finally:
        await conn.close()


async def fetch_user_ctx(dsn, uid):
    # ppa-ok: resource.missing_cleanup
    async with await asyncpg.connect(dsn) as conn:
        return await conn.fetchrow("SELECT * FROM users WHERE id = $1", uid)


def count_users():
    # ppa: resource.error_path_leak MEDIUM
    conn = pool.getconn()
    n = conn.execute("SELECT count(*) FROM users").fetchone()[0]
    pool.putconn(conn)
    return n


def count_users_safe():
    # ppa-ok: resource.error_path_leak, resource.missing_cleanup
    conn = pool.getconn()
    try:
        return conn.execute("SELECT count(*) FROM users").fetchone()[0]
    finally:
        pool.putconn(conn)


def legacy(dsn):
    # `with conn:` on psycopg2 commits or rolls back; the connection stays open
    # ppa: resource.missing_cleanup HIGH
    conn = psycopg2.connect(dsn)
    with conn:
        with conn.cursor() as cur:
            cur.execute("UPDATE users SET seen = now()")


def modern(dsn):
    # psycopg 3 closes the connection at the end of `with`
    # ppa-ok: resource.missing_cleanup
    conn = psycopg.connect(dsn)
    with conn:
        conn.execute("UPDATE users SET seen = now()")


def open_conn(dsn):
    # returned to the caller
    # ppa-ok: resource.missing_cleanup
    conn = psycopg.connect(dsn)
    return conn
