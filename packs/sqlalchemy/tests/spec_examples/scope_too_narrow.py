# CHECKS.md §4 transaction.scope_too_narrow, PY examples: an order and its lines in two commits.
from sqlalchemy.ext.asyncio import AsyncSession

from .models import Line, Order


async def place_order(db: AsyncSession, order: Order, lines: list[dict]):
    db.add(order)
    await db.commit()
    # ppa: transaction.scope_too_narrow
    db.add_all([Line(order_id=order.id, **l) for l in lines])
    await db.commit()


def lines_for(order: Order) -> list[Line]:
    return [Line(order_id=order.id, sku="x", qty=1)]


async def place_order_atomic(db: AsyncSession, order: Order):
    async with db.begin():
        db.add(order)
        # ppa-ok: transaction.scope_too_narrow
        await db.flush()
        db.add_all(lines_for(order))
