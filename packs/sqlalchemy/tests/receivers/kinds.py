# Receiver kinds (CHECKS.md §3.2) seen through transaction.scope_too_wide: a write on a receiver
# of a SQLAlchemy kind opens a span, so an HTTP call after it is reported only when the receiver
# is recognised as a session or connection.
from typing import Annotated, Optional

import aiohttp
import requests
from fastapi import Depends
from redis import Redis
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session, sessionmaker

from app import models
from app.db import engine, get_db
from app.models import Item, items_table

SessionLocal = sessionmaker(engine)
async_session = async_sessionmaker(engine)
SessionDep = Annotated[Session, Depends(get_db)]
HOOK = "https://hooks.example.com"


def by_alias(db: SessionDep, item: Item):
    db.add(item)
    # ppa: transaction.scope_too_wide
    requests.post(HOOK)


def by_annotated(s: Annotated[Session, Depends(get_db)], item: Item):
    s.add(item)
    # ppa: transaction.scope_too_wide
    requests.post(HOOK)


def by_optional(s: Optional[Session], t: "Session", u: Session | None, item: Item):
    s.add(item)
    # ppa: transaction.scope_too_wide
    requests.post(HOOK)
    t.add(item)
    # ppa: transaction.scope_too_wide
    requests.post(HOOK)
    u.add(item)
    # ppa: transaction.scope_too_wide
    requests.post(HOOK)


def by_factory(item: Item):
    # The session is never closed.
    # ppa: resource.missing_cleanup HIGH
    s = SessionLocal()
    s.add(item)
    # ppa: transaction.scope_too_wide
    requests.post(HOOK)
    s.commit()


async def by_async_factory(item: Item):
    async with async_session() as s:
        s.add(item)
        # ppa: transaction.scope_too_wide
        requests.post(HOOK)
        await s.commit()


def by_constructor(item: Item):
    with Session(engine) as session:
        session.add(item)
        # ppa: transaction.scope_too_wide
        requests.post(HOOK)
        session.commit()


def by_engine_begin(row: dict):
    with engine.begin() as conn:
        conn.execute(insert(items_table).values(**row))
        # ppa: transaction.scope_too_wide
        requests.post(HOOK)


def by_name(session, item: Item):
    session.add(item)
    # ppa: transaction.scope_too_wide
    requests.post(HOOK)


def by_flask_sqlalchemy(item: Item):
    models.db.session.add(item)
    # Flask-SQLAlchemy through a module attribute.
    # ppa: transaction.scope_too_wide
    requests.post(HOOK)


class ItemService:
    def __init__(self, db: AsyncSession):
        self.db = db

    async def save(self, item: Item):
        self.db.add(item)
        # ppa: transaction.scope_too_wide
        requests.post(HOOK)


def not_a_session(db: Redis):
    # Annotated with another type: never a session, whatever its name.
    db.delete("items")
    # ppa-ok: transaction.scope_too_wide
    requests.post(HOOK)


async def http_session_named_session():
    session = aiohttp.ClientSession()
    session.delete(HOOK)
    # ppa-ok: transaction.scope_too_wide
    requests.post(HOOK)


def imported_module_named_db():
    from app import db
    db.add(Item())
    # ppa-ok: transaction.scope_too_wide
    requests.post(HOOK)


def file_named_db(path):
    with open(path) as db:
        db.flush()
        # ppa-ok: transaction.scope_too_wide
        requests.post(HOOK)
