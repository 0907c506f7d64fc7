from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from .models import Job


class JobRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def acquire_next_pending(self) -> Job | None:
        stmt = select(Job).where(Job.status == "pending").limit(1).with_for_update(skip_locked=True)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def get_job(self, job_id: int) -> Job | None:
        return await self.session.get(Job, job_id)

    async def find_job_by_id(self, job_id: int) -> Job | None:
        stmt = select(Job).where(Job.id == job_id)
        return (await self.session.execute(stmt)).scalar_one_or_none()
