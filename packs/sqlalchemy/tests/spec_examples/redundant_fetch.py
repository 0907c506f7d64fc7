# CHECKS.md §4 query.redundant_fetch, PY example: the caller holds the Job and passes its id;
# the callee loads it again in its own session.
from .db import AsyncSessionLocal
from .models import Job


class JobRepo:
    async def acquire_next_pending(self) -> Job:
        async with AsyncSessionLocal() as s:
            return await s.get(Job, 1)


class Worker:
    def __init__(self, repo: JobRepo):
        self.repo = repo

    async def run_once(self):
        repo = JobRepo()
        job = await repo.acquire_next_pending()  # returns Job
        await self._process_job(job.id)

    async def _process_job(self, job_id: int):
        async with AsyncSessionLocal() as s:
            # ppa: query.redundant_fetch      the caller already held the Job
            job = await s.get(Job, job_id)
            job.status = "running"
            await s.commit()


class EntityWorker:
    def __init__(self, repo: JobRepo):
        self.repo = repo

    async def run_once(self):
        job = await self.repo.acquire_next_pending()
        # ppa-ok: query.redundant_fetch
        await self._process_job(job)

    async def _process_job(self, job: Job):
        job.status = "running"
