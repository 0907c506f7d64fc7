# Data-access functions that take the caller's session (the style of a `models/` package).
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from . import models as orm


async def read_job(session: AsyncSession, job_id: int) -> orm.Job | None:
    return await session.get(orm.Job, job_id)


async def read_job_fresh(session: AsyncSession, job_id: int) -> orm.Job | None:
    stmt = select(orm.Job).where(orm.Job.id == job_id)
    return (await session.execute(stmt)).scalar_one_or_none()


async def runs_for(session: AsyncSession, job_id: int):
    job = await read_job(session=session, job_id=job_id)
    if job is None:
        return []
    return await _legacy_runs(session=session, job_id=job_id)


async def _legacy_runs(session: AsyncSession, job_id: int):
    # ppa-ok: query.redundant_fetch         `get` on the session the caller passes: the identity map
    job = await read_job(session=session, job_id=job_id)
    job.attempts += 1
    return [job]


async def runs_fresh(session: AsyncSession, job_id: int):
    job = await read_job_fresh(session=session, job_id=job_id)
    if job is None:
        return []
    return await _fresh_runs(session=session, job_id=job_id)


async def _fresh_runs(session: AsyncSession, job_id: int):
    # ppa: query.redundant_fetch MEDIUM     a SELECT always runs, whatever the session holds
    job = await read_job_fresh(session=session, job_id=job_id)
    job.attempts += 1
    return [job]


async def update_and_reread(session: AsyncSession, job_id: int):
    before = await read_job_fresh(session=session, job_id=job_id)
    snapshot = {"status": before.status}
    await session.execute(update(orm.Job).where(orm.Job.id == job_id).values(status="done"))
    # ppa-ok: query.redundant_fetch         re-read after an UPDATE of the row: an intended reload
    after = await read_job_fresh(session=session, job_id=job_id)
    return snapshot, after


async def expire_and_reread(session: AsyncSession, job_id: int):
    before = await read_job(session=session, job_id=job_id)
    session.expire(before)
    # ppa-ok: query.redundant_fetch         an explicit expiry asks for the reload
    after = await read_job(session=session, job_id=job_id)
    return after
