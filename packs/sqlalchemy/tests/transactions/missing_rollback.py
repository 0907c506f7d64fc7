# transaction.missing_rollback: a commit or flush whose failure is not rolled back
# (CHECKS.md §4.2). CRITICAL when the session outlives the unit of work, MEDIUM when the failure
# is swallowed and the session used again; sessions owned elsewhere are not reported.
import logging
from functools import lru_cache

from fastapi import Depends
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session, sessionmaker

from app.db import engine, async_engine, get_db
from app.models import Item, Patient

log = logging.getLogger(__name__)
SessionLocal = sessionmaker(engine)
factory = async_sessionmaker(async_engine)

# One session for the whole process.
session = SessionLocal()


def record(item: Item):
    session.add(item)
    # ppa: transaction.missing_rollback CRITICAL
    session.commit()


def record_safely(item: Item):
    session.add(item)
    try:
        # ppa-ok: transaction.missing_rollback
        session.commit()
    except Exception:
        session.rollback()
        raise


class Repo:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def save(self, obj):
        self.session.add(obj)
        # ppa: transaction.missing_rollback CRITICAL
        await self.session.commit()


# The repository, and so its session, is built once at import time.
repo = Repo(factory())


class ScopedRepo:
    def __init__(self, factory):
        self.factory = factory

    async def save(self, obj):
        async with self.factory() as s, s.begin():
            s.add(obj)


def import_rows(s: Session, rows):
    for row in rows:
        # ppa: query.missing_bulk_ops MEDIUM
        s.add(Patient(**row))
        try:
            # ppa: transaction.missing_rollback MEDIUM
            s.commit()
        except IntegrityError:
            log.warning("dup %s", row["id"])


def import_rows_rolled_back(s: Session, rows):
    for row in rows:
        # ppa: query.missing_bulk_ops MEDIUM
        s.add(Patient(**row))
        try:
            # ppa-ok: transaction.missing_rollback
            s.commit()
        except IntegrityError:
            s.rollback()
            log.warning("dup %s", row["id"])


def create(item: Item, db: Session = Depends(get_db)):
    # The provider closes the session, which rolls back.
    db.add(item)
    # ppa-ok: transaction.missing_rollback
    db.commit()


def create_or_none(db: Session, item: Item):
    db.add(item)
    try:
        # The error is swallowed but the function returns: the session is not used again here.
        # ppa-ok: transaction.missing_rollback
        db.commit()
    except IntegrityError:
        return None
    return item


def swallow_then_reuse(db: Session, item: Item, audit):
    db.add(item)
    try:
        # ppa: transaction.missing_rollback MEDIUM
        db.flush()
    except IntegrityError:
        log.info("exists")
    db.add(audit)
    db.commit()


def consume(queue):
    # The endless loop never returns: no normal exit path leaves the session open.
    # ppa-ok: resource.missing_cleanup
    s = SessionLocal()
    while True:
        msg = queue.get()
        # One message per iteration, as it arrives: nothing to batch.
        # ppa-ok: query.missing_bulk_ops
        s.add(Item(**msg))
        # ppa: transaction.missing_rollback CRITICAL
        s.commit()


def consume_per_message(queue):
    while True:
        msg = queue.get()
        with SessionLocal() as s:
            s.add(Item(**msg))
            # ppa-ok: transaction.missing_rollback
            s.commit()


@lru_cache
def cached_session():
    return SessionLocal()


def save_cached(item: Item):
    s = cached_session()
    s.add(item)
    # ppa: transaction.missing_rollback CRITICAL
    s.commit()


def local_session(item: Item):
    with SessionLocal() as s:
        s.add(item)
        # ppa-ok: transaction.missing_rollback
        s.commit()


async def sweep(factory):
    # The `async with` block closes the session before the handler runs; the next block opens
    # a new one.
    try:
        async with factory() as session:
            session.add(Item())
            # ppa-ok: transaction.missing_rollback
            await session.commit()
    except Exception:
        log.exception("sweep failed")

    async with factory() as session:
        session.add(Item())
        await session.commit()


def swallow_then_rebind(item: Item):
    # Neither session is ever closed.
    # ppa: resource.missing_cleanup HIGH
    s = SessionLocal()
    try:
        s.add(item)
        # A new session replaces the failed one before any further use.
        # ppa-ok: transaction.missing_rollback
        s.commit()
    except IntegrityError:
        log.info("exists")
    # ppa: resource.missing_cleanup HIGH
    s = SessionLocal()
    s.add(item)
    s.commit()


def consume_with(s: Session, queue):
    # The caller owns the session: a failed commit propagates out of the loop to it.
    while True:
        msg = queue.get()
        s.add(Item(**msg))
        # ppa-ok: transaction.missing_rollback
        s.commit()


def consume_scoped(queue):
    # The block closes the session when a failed commit propagates out of the loop.
    with SessionLocal() as s:
        while True:
            msg = queue.get()
            s.add(Item(**msg))
            # ppa-ok: transaction.missing_rollback
            s.commit()
