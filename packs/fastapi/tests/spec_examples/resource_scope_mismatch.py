# CHECKS.md §4 resource.resource_scope_mismatch, PY examples: the request-scoped session is
# held through a slow render call vs. a session closed before the render.
from collections.abc import AsyncIterator
from typing import Annotated

import httpx
from fastapi import APIRouter, Depends, Response
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from .models import User

router = APIRouter()
renderer = httpx.AsyncClient()
URL = "https://render.example.com/pdf"
engine = create_async_engine("postgresql+asyncpg://app@db/app", pool_pre_ping=True)
AsyncSessionLocal = async_sessionmaker(engine, expire_on_commit=False)


async def get_db() -> AsyncIterator[AsyncSession]:
    async with AsyncSessionLocal() as db:
        yield db


SessionDep = Annotated[AsyncSession, Depends(get_db)]


def build(u: User) -> dict:
    return {"name": u.name, "email": u.email}


@router.get("/report")
# ppa: resource.resource_scope_mismatch
async def report(uid: int, db: SessionDep):
    u = await db.get(User, uid)  # only DB use
    pdf = await renderer.post(URL, json=build(u))
    return Response(pdf.content)


@router.get("/report2")
# ppa-ok: resource.resource_scope_mismatch
async def report_scoped(uid: int):
    async with AsyncSessionLocal() as db:
        u = await db.get(User, uid)
    pdf = await renderer.post(URL, json=build(u))
    return Response(pdf.content)
