# CHECKS.md §4 transaction.missing_rollback, PY examples.
import logging

from fastapi import Depends
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from .db import AsyncSessionLocal, SessionLocal
from .models import Item, Patient

log = logging.getLogger(__name__)


class Repo:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def save(self, obj):
        self.session.add(obj)
        # ppa: transaction.missing_rollback CRITICAL
        await self.session.commit()  # repo built at module level: one session for the process


repo = Repo(AsyncSessionLocal())


class FactoryRepo:
    def __init__(self, factory):
        self.factory = factory

    async def save(self, obj):
        # ppa-ok: transaction.missing_rollback
        async with self.factory() as s, s.begin():
            s.add(obj)


def import_patients(s: Session, rows: list[dict]):
    for row in rows:
        # ppa: query.missing_bulk_ops      a commit per row is also the per-row write
        s.add(Patient(**row))
        try:
            # ppa: transaction.missing_rollback
            s.commit()
        except IntegrityError:
            log.warning("dup %s", row["id"])


def import_patients_rollback(s: Session, rows: list[dict]):
    for row in rows:
        # ppa: query.missing_bulk_ops
        s.add(Patient(**row))
        try:
            # ppa-ok: transaction.missing_rollback
            s.commit()
        except IntegrityError:
            s.rollback()
            log.warning("dup %s", row["id"])


def get_db():
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()


def create(item: Item, db: Session = Depends(get_db)):
    db.add(item)
    # ppa-ok: transaction.missing_rollback
    db.commit()  # the provider closes the session: close() rolls back
