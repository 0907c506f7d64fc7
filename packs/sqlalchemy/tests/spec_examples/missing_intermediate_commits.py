# CHECKS.md §4 transaction.missing_intermediate_commits, PY examples: `jobs` has an AFTER UPDATE
# trigger calling pg_notify('job_events') (schema.sql), so progress flushed inside one
# transaction is only seen when the loop ends.
from sqlalchemy.ext.asyncio import AsyncSession

from .models import Job


async def handle(chunk):
    return len(chunk)


async def run_import(s: AsyncSession, job: Job, chunks: list[list[dict]]):
    n = len(chunks)
    for i, chunk in enumerate(chunks):
        await handle(chunk)
        job.progress = (i + 1) * 100 // n
        # ppa: transaction.missing_intermediate_commits HIGH  no listener of job_events in this project
        await s.flush()
    await s.commit()


async def run_import_committed(s: AsyncSession, job: Job, chunks: list[list[dict]]):
    n = len(chunks)
    last = 0
    for i, chunk in enumerate(chunks):
        await handle(chunk)
        pct = (i + 1) * 100 // n
        if pct - last >= 5:
            job.progress = pct
            last = pct
            # ppa-ok: transaction.missing_intermediate_commits
            await s.commit()
