# CHECKS.md §4 query.missing_bulk_ops, PY example (SQLAlchemy): add and flush per row.
from sqlalchemy.ext.asyncio import AsyncSession

from .models import Item


async def import_items(s: AsyncSession, rows: list[dict]):
    for r in rows:
        # ppa: query.missing_bulk_ops
        s.add(Item(**r))
        await s.flush()
    await s.commit()
