# CHECKS.md §4 resource.resource_scope_mismatch, PY examples: the request-scoped session is
# held through a slow render call vs. a session closed before the render.
from typing import Annotated

import httpx
from fastapi import APIRouter, Depends, Response
from sqlalchemy.ext.asyncio import AsyncSession

from .db import AsyncSessionLocal
from .models import User

router = APIRouter()
renderer = httpx.AsyncClient()
URL = "https://render.example.com/pdf"


async def get_db():
    async with AsyncSessionLocal() as db:
        yield db


SessionDep = Annotated[AsyncSession, Depends(get_db)]


def build(u: User) -> dict:
    return {"name": u.name, "email": u.email}


@router.get("/report")
# ppa-todo: resource.resource_scope_mismatch
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
