from sqlalchemy import select

from . import models as orm
from .db import SessionLocal
from .models import Job, User
from .repository import JobRepository


class JobProcessor:
    async def run_once(self):
        async with SessionLocal() as s:
            repo = JobRepository(s)
            job = await repo.acquire_next_pending()
            if job is None:
                return
            await self._process_job(job.id)

    async def run_passing_entity(self):
        async with SessionLocal() as s:
            repo = JobRepository(s)
            job = await repo.acquire_next_pending()
            await self._handle(job)

    async def _process_job(self, job_id: int):
        async with SessionLocal() as s:
            # ppa: query.redundant_fetch MEDIUM
            job = await s.get(Job, job_id)
            job.status = "running"
            job.attempts += 1
            await s.commit()

    async def _handle(self, job: Job):
        job.status = "running"


async def drain(ids: list[int]):
    # A fetch per id in a loop is query.n_plus_one's, never a redundant fetch.
    async with SessionLocal() as s:
        for job_id in ids:
            # ppa: query.n_plus_one
            job = await s.get(Job, job_id)
            await touch(job.id)


async def touch(job_id: int):
    async with SessionLocal() as s:
        # ppa-ok: query.redundant_fetch
        job = await s.get(Job, job_id)
        job.attempts += 1
        await s.commit()


async def same_function_twice(job_id: int):
    async with SessionLocal() as s:
        first = (await s.execute(select(Job).where(Job.id == job_id))).scalar_one()
        await audit(first)
        # ppa: query.redundant_fetch MEDIUM
        again = (await s.execute(select(Job).where(Job.id == job_id))).scalar_one()
        return again


async def identity_map_hit(job_id: int):
    async with SessionLocal() as s:
        job = await s.get(Job, job_id)
        await audit(job)
        # ppa-ok: query.redundant_fetch       same session, no commit: the identity map answers
        job = await s.get(Job, job_id)
        return job


async def get_after_commit(job_id: int):
    async with SessionLocal() as s:
        job = await s.get(Job, job_id)
        job.status = "done"
        await s.commit()
        # ppa: query.redundant_fetch LOW      expire_on_commit=True reloads it anyway
        job = await s.get(Job, job_id)
        return job


async def locking_read(job_id: int):
    async with SessionLocal() as s:
        job = await s.get(Job, job_id)
        await audit(job)
        # ppa-ok: query.redundant_fetch       an intentional locking read
        locked = (await s.execute(select(Job).where(Job.id == job_id).with_for_update())).scalar_one()
        locked.status = "locked"


async def other_branch(job_id: int, fast: bool):
    async with SessionLocal() as s:
        if fast:
            job = (await s.execute(select(Job).where(Job.id == job_id))).scalar_one()
        else:
            # ppa-ok: query.redundant_fetch   the other branch: only one of them runs
            job = (await s.execute(select(Job).where(Job.id == job_id))).scalar_one()
        return job


async def key_reassigned(job_id: int):
    async with SessionLocal() as s:
        job = (await s.execute(select(Job).where(Job.id == job_id))).scalar_one()
        job_id = job.parent_id
        # ppa-ok: query.redundant_fetch       another key with the same text
        parent = (await s.execute(select(Job).where(Job.id == job_id))).scalar_one()
        return job, parent


async def audit(job: Job):
    print(job.id)


class JobService:
    def __init__(self, session):
        self.repo = JobRepository(session)

    async def start(self, job_id: int):
        # ppa: query.redundant_fetch MEDIUM     through the repository's fetch function
        job = await self.repo.find_job_by_id(job_id)
        job.status = "running"

    async def handle(self, job: Job):
        await self.start(job.id)

    async def reread(self, job_id: int):
        job = await self.repo.find_job_by_id(job_id)
        await audit(job)
        # ppa: query.redundant_fetch MEDIUM     the same repository fetch twice
        again = await self.repo.find_job_by_id(job_id)
        return again

    async def reget(self, job_id: int):
        job = await self.repo.get_job(job_id)
        await audit(job)
        # ppa-ok: query.redundant_fetch         `get` on the repository's session: the identity map
        again = await self.repo.get_job(job_id)
        return again


async def archive(job_id: int):
    async with SessionLocal() as s:
        # ppa: query.redundant_fetch MEDIUM     a model named through its module
        job = await s.get(orm.Job, job_id)
        job.status = "archived"
        await s.commit()


async def finish(job: Job):
    await archive(job_id=job.id)


def import_job(s, config: dict):
    existing = s.query(orm.Job).filter_by(id=config["id"]).first()
    config = config.copy()
    # ppa-ok: query.redundant_fetch         the key's variable was replaced in between
    again = s.query(orm.Job).filter_by(id=config["id"]).one()
    return existing, again


def import_job_twice(s, config: dict):
    existing = s.query(orm.Job).filter_by(id=config["id"]).first()
    log(existing)
    # ppa: query.redundant_fetch MEDIUM     legacy Query API, same key
    again = s.query(orm.Job).filter_by(id=config["id"]).one()
    return again


def log(job):
    print(job)
