# CHECKS.md §4 query.n_update_delete_loop, PY examples (SQLAlchemy).
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from .models import Job


async def reset_stale(s: AsyncSession, stale: list[Job]):
    for j in stale:
        # ppa: query.n_update_delete_loop
        await s.execute(update(Job).where(Job.id == j.id).values(status="reset"))


async def reset_stale_bulk(s: AsyncSession, stale: list[Job]):
    # ppa-ok: query.n_update_delete_loop
    await s.execute(update(Job).where(Job.id.in_([j.id for j in stale])).values(status="reset"))
