# transaction.long_held_transaction: a transaction open during a network wait without writes, a
# sleep, or a long stretch of code (CHECKS.md §4.2).
import asyncio
import time

import httpx
import requests
from fastapi import Depends
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from app.db import engine, get_db, SessionLocal
from app.models import Order, User

idp = httpx.AsyncClient(base_url="https://idp.example.com")


async def load_profile(s: AsyncSession, uid: int):
    async with s.begin():
        user = await s.get(User, uid)
        # ppa: transaction.long_held_transaction HIGH
        # ppa-ok: transaction.scope_too_wide
        profile = await idp.get(f"/users/{uid}")
    return user, profile


def mark_paid_and_wait(order: Order):
    with SessionLocal() as s, s.begin():
        s.add(order)
        # A sleep is reported in any span, with writes or without.
        # ppa: transaction.long_held_transaction HIGH
        time.sleep(2)


async def poll(s: AsyncSession, oid: int):
    order = await s.get(Order, oid)
    # ppa: transaction.long_held_transaction HIGH
    await asyncio.sleep(5)
    await s.commit()


async def yield_between_rows(s: AsyncSession, rows):
    for row in rows:
        # ppa: query.missing_bulk_ops LOW
        s.add(Order(**row))
        # Yields to the event loop without waiting.
        # ppa-ok: transaction.long_held_transaction
        await asyncio.sleep(0)
    await s.commit()


def read_then_fetch_after_commit(db: Session, uid: int):
    user = db.get(User, uid)
    db.commit()
    # ppa-ok: transaction.long_held_transaction
    return requests.get(f"https://idp.example.com/users/{user.id}")


def handler(uid: int, db: Session = Depends(get_db)):
    # A read-only implicit span on an injected session: resource.resource_scope_mismatch owns it.
    user = db.get(User, uid)
    # ppa-ok: transaction.long_held_transaction
    return requests.get(f"https://idp.example.com/users/{user.id}").json()


def report_rows():
    with engine.connect() as conn:
        rows = conn.execute(select(Order)).all()
        # ppa: transaction.long_held_transaction HIGH
        requests.post("https://reports.example.com", json=[r.id for r in rows])


def long_import(db: Session, rows):
    # ppa: transaction.long_held_transaction MEDIUM
    db.execute(select(Order).limit(1))
    a = 1
    a = 2
    a = 3
    a = 4
    a = 5
    a = 6
    a = 7
    a = 8
    a = 9
    a = 10
    a = 11
    a = 12
    a = 13
    a = 14
    a = 15
    a = 16
    a = 17
    a = 18
    a = 19
    a = 20
    a = 21
    a = 22
    a = 23
    a = 24
    a = 25
    a = 26
    a = 27
    a = 28
    a = 29
    a = 30
    a = 31
    a = 32
    a = 33
    a = 34
    a = 35
    a = 36
    a = 37
    a = 38
    a = 39
    a = 40
    a = 41
    a = 42
    a = 43
    a = 44
    a = 45
    a = 46
    a = 47
    a = 48
    a = 49
    a = 50
    db.commit()


def short_span_long_function(db: Session, rows):
    # ppa-ok: transaction.long_held_transaction
    db.execute(select(Order).limit(1))
    db.commit()
    a = 1
    a = 2
    a = 3
    a = 4
    a = 5
    a = 6
    a = 7
    a = 8
    a = 9
    a = 10
    a = 11
    a = 12
    a = 13
    a = 14
    a = 15
    a = 16
    a = 17
    a = 18
    a = 19
    a = 20
    a = 21
    a = 22
    a = 23
    a = 24
    a = 25
    a = 26
    a = 27
    a = 28
    a = 29
    a = 30
    a = 31
    a = 32
    a = 33
    a = 34
    a = 35
    a = 36
    a = 37
    a = 38
    a = 39
    a = 40
    a = 41
    a = 42
    a = 43
    a = 44
    a = 45
    a = 46
    a = 47
    a = 48
    a = 49
    a = 50
    return a


def build_and_run(session: Session, rows):
    # The caller's transaction: a helper receiving the session does not own the span.
    # ppa-ok: transaction.long_held_transaction
    session.execute(select(Order).limit(1))
    a = 1
    a = 2
    a = 3
    a = 4
    a = 5
    a = 6
    a = 7
    a = 8
    a = 9
    a = 10
    a = 11
    a = 12
    a = 13
    a = 14
    a = 15
    a = 16
    a = 17
    a = 18
    a = 19
    a = 20
    a = 21
    a = 22
    a = 23
    a = 24
    a = 25
    a = 26
    a = 27
    a = 28
    a = 29
    a = 30
    a = 31
    a = 32
    a = 33
    a = 34
    a = 35
    a = 36
    a = 37
    a = 38
    a = 39
    a = 40
    a = 41
    a = 42
    a = 43
    a = 44
    a = 45
    a = 46
    a = 47
    a = 48
    a = 49
    a = 50
    session.execute(select(Order).limit(1))
    return a
