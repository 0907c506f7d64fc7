"""Batch work that reports progress through the NOTIFY trigger on `jobs`."""
from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

from .models import Item, Job

SessionLocal = async_sessionmaker(expire_on_commit=False)


def process(item):
    return item


async def import_rows(job_id: int, chunks: list[list[dict]]):
    async with SessionLocal() as s:
        async with s.begin():
            job = await s.get(Job, job_id)
            for i, chunk in enumerate(chunks):
                process(chunk)
                job.progress = (i + 1) * 100 // len(chunks)
                # ppa: transaction.missing_intermediate_commits CRITICAL  the dashboard sees 100% at once
                await s.flush()


async def mark_steps(s: AsyncSession, job_id: int, steps: list[str]):
    for n, step in enumerate(steps):
        process(step)
        # ppa: transaction.missing_intermediate_commits CRITICAL  Core UPDATE per step, one commit
        # ppa: query.n_update_delete_loop HIGH                   (the detector's own output; §3.7 partition)
        await s.execute(update(Job).where(Job.id == job_id).values(progress=n))
    await s.commit()


def advance(session: Session, job_id: int, states: list[str]):
    for state in states:
        process(state)
        # ppa: transaction.missing_intermediate_commits CRITICAL  textual UPDATE of `status`
        # ppa: query.n_update_delete_loop HIGH
        session.execute(text("UPDATE jobs SET status = :s WHERE id = :id"), {"s": state, "id": job_id})
    session.commit()


def rename(session: Session, job_id: int, names: list[str]):
    job = session.get(Job, job_id)
    for name in names:
        job.name = name
        # ppa-ok: transaction.missing_intermediate_commits  `name` is not in UPDATE OF status, progress
        session.flush()
    session.commit()


async def import_committed(s: AsyncSession, job: Job, chunks: list[list[dict]]):
    for i, chunk in enumerate(chunks):
        process(chunk)
        job.progress = (i + 1) * 100 // len(chunks)
        # ppa-ok: transaction.missing_intermediate_commits  committed per chunk: each NOTIFY is delivered
        await s.flush()
        await s.commit()


async def finish_items(s: AsyncSession, job_id: int):
    items = (await s.scalars(select(Item).where(Item.job_id == job_id))).all()
    for item in items:
        item.done = True
        # ppa-ok: transaction.missing_intermediate_commits  `items` has no trigger
        await s.flush()
    await s.commit()


async def progress_in_callers_transaction(s: AsyncSession, job: Job, chunks: list[list[dict]]):
    for i, chunk in enumerate(chunks):
        process(chunk)
        job.progress = i
        # ppa-ok: transaction.missing_intermediate_commits  the caller owns the transaction and its commits
        await s.flush()


async def import_batch(s: AsyncSession, job: Job, chunks: list[list[dict]]):
    # One transaction by design: the import is all-or-nothing and the UI polls instead.
    for i, chunk in enumerate(chunks):
        process(chunk)
        job.progress = i
        # ppa: transaction.missing_intermediate_commits HIGH  lowered one step by the comment above
        await s.flush()
    await s.commit()
