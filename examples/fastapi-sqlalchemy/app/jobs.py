"""Planted resource defect in a maintenance job."""

from sqlalchemy import delete

from .db import SessionLocal
from .models import Order


# resource.missing_cleanup (HIGH): the session is never closed.
async def purge_notes():
    session = SessionLocal()
    await session.execute(delete(Order).where(Order.note.is_(None)))
    await session.commit()
