"""Handlers injecting the providers of db.py."""

import asyncio
from typing import Annotated

import httpx
from fastapi import APIRouter, BackgroundTasks, Depends, Response, WebSocket
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from .db import SessionLocal, get_db, get_session, get_tx
from .models import Item, User
from .tasks import reindex

router = APIRouter()
renderer = httpx.AsyncClient(base_url="http://renderer")
URL = "/render"
SessionDep = Annotated[AsyncSession, Depends(get_session)]
DbDep = Annotated[Session, Depends(get_db)]


def build(u):
    return {"name": u.name}


# CHECKS.md §4.4 resource_scope_mismatch ✗: the only DB use, then a slow external call while
# the session (and its implicit transaction) stays checked out.
@router.get("/report")
# ppa: resource.resource_scope_mismatch HIGH
async def report(uid: int, db: SessionDep):
    u = await db.get(User, uid)
    pdf = await renderer.post(URL, json=build(u))
    return Response(pdf.content)


# ✓ the spec's safe form: a scoped session around the DB work, rendering outside.
@router.get("/report2")
# ppa-ok: resource.resource_scope_mismatch
async def report2(uid: int):
    async with SessionLocal() as db:
        u = await db.get(User, uid)
    pdf = await renderer.post(URL, json=build(u))
    return Response(pdf.content)


# ✓ committed before the slow call: the connection is back in the pool.
@router.post("/items")
# ppa-ok: resource.resource_scope_mismatch
async def create_item(name: str, db: AsyncSession = Depends(get_session)):
    db.add(Item(name=name))
    await db.commit()
    await renderer.post(URL, json={"name": name})
    return {"ok": True}


# ✓ a write pending at the slow call: transaction.scope_too_wide owns it.
@router.post("/items2")
# ppa-ok: resource.resource_scope_mismatch
async def create_item2(name: str, db: SessionDep):
    db.add(Item(name=name))
    await renderer.post(URL, json={"name": name})
    await db.commit()
    return {"ok": True}


# ✗ a sleep after the read, sync provider through an alias.
@router.get("/slow")
# ppa: resource.resource_scope_mismatch HIGH
def slow(db: DbDep):
    user = db.get(User, 1)
    import time

    time.sleep(2)
    return {"name": user.name}


# ✓ the external call runs before the first DB op: the session checks out lazily.
@router.get("/lazy")
# ppa-ok: resource.resource_scope_mismatch
async def lazy(db: SessionDep):
    r = await renderer.get("/status")
    n = await db.scalar(select(User.id).limit(1))
    return {"status": r.status_code, "n": n}


# CHECKS.md §4.4 factory_vs_injection ✗: a DI session handed to a background task.
@router.post("/items/{item_id}/reindex")
# ppa: resource.factory_vs_injection HIGH
async def create(item_id: int, bg: BackgroundTasks, db: SessionDep):
    item = await db.get(Item, item_id)
    bg.add_task(reindex, item.id, db)
    return {"ok": True}


# ✓ ids, not sessions, to tasks.
@router.post("/items/{item_id}/reindex2")
# ppa-ok: resource.factory_vs_injection
async def create2(item_id: int, bg: BackgroundTasks, db: SessionDep):
    item = await db.get(Item, item_id)
    await db.commit()
    bg.add_task(reindex, item.id)
    return {"ok": True}


# ✗ asyncio.create_task with the request's session.
@router.post("/audit")
# ppa: resource.factory_vs_injection HIGH
async def audit(db: AsyncSession = Depends(get_tx)):
    asyncio.create_task(write_audit(db))
    return {"ok": True}


async def write_audit(db):
    await db.commit()


# ✗ a websocket endpoint keeps the injected session until the socket closes.
@router.websocket("/ws")
# ppa: resource.factory_vs_injection CRITICAL
async def feed(websocket: WebSocket, db: SessionDep):
    await websocket.accept()
    while True:
        n = await db.scalar(select(User.id).limit(1))
        await websocket.send_json({"n": n})
        await asyncio.sleep(1)
