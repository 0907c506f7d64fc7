# transaction.scope_too_narrow: related writes committed separately (CHECKS.md §4.2).
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from app.models import AuditLog, Line, Order, Report, Tag


async def place(db: AsyncSession, order: Order, lines):
    db.add(order)
    await db.commit()
    # ppa: transaction.scope_too_narrow HIGH
    db.add_all([Line(order_id=order.id, **l) for l in lines])
    await db.commit()


async def place_atomically(db: AsyncSession, order: Order, lines):
    async with db.begin():
        db.add(order)
        await db.flush()
        # ppa-ok: transaction.scope_too_narrow
        db.add_all([Line(order_id=order.id, **l) for l in lines])


def reschedule(db: Session, appt):
    db.add(appt)
    db.commit()
    # ppa: transaction.scope_too_narrow MEDIUM
    db.add(AuditLog(entity_id=appt.id, action="moved"))
    db.commit()


def tag_parent(db: Session, report: Report):
    db.add(report)
    db.commit()
    # ppa: transaction.scope_too_narrow HIGH
    db.add(Tag(report=report, name="new"))
    db.commit()


def unrelated(db: Session, report: Report, tag: Tag):
    db.add(report)
    db.commit()
    # ppa-ok: transaction.scope_too_narrow
    db.add(tag)
    db.commit()


def progress(db: Session, order: Order, lines):
    db.add(order)
    db.commit()
    for l in lines:
        # Commits in a loop are progress commits.
        # ppa-ok: transaction.scope_too_narrow
        # ppa: query.missing_bulk_ops MEDIUM
        db.add(Line(order_id=order.id, **l))
        db.commit()


def on_purpose(db: Session, order: Order):
    db.add(order)
    db.commit()
    # The audit row goes in a separate transaction so that it survives a failed order update.
    # ppa-ok: transaction.scope_too_narrow
    db.add(AuditLog(entity_id=order.id, action="created"))
    db.commit()
