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


# MEDIUM: one read at the top, then a long stretch of work that needs no database while the
# session stays checked out (idle in transaction).
@router.get("/summary/{uid}")
# ppa: resource.resource_scope_mismatch MEDIUM
async def summary(uid: int, db: SessionDep):
    user = await db.get(User, uid)
    totals = {}
    totals["k0"] = len(user.name) * 0 + 0
    totals["k1"] = len(user.name) * 1 + 1
    totals["k2"] = len(user.name) * 2 + 2
    totals["k3"] = len(user.name) * 3 + 3
    totals["k4"] = len(user.name) * 4 + 4
    totals["k5"] = len(user.name) * 5 + 5
    totals["k6"] = len(user.name) * 6 + 6
    totals["k7"] = len(user.name) * 7 + 0
    totals["k8"] = len(user.name) * 8 + 1
    totals["k9"] = len(user.name) * 9 + 2
    totals["k10"] = len(user.name) * 10 + 3
    totals["k11"] = len(user.name) * 11 + 4
    totals["k12"] = len(user.name) * 12 + 5
    totals["k13"] = len(user.name) * 13 + 6
    totals["k14"] = len(user.name) * 14 + 0
    totals["k15"] = len(user.name) * 15 + 1
    totals["k16"] = len(user.name) * 16 + 2
    totals["k17"] = len(user.name) * 17 + 3
    totals["k18"] = len(user.name) * 18 + 4
    totals["k19"] = len(user.name) * 19 + 5
    totals["k20"] = len(user.name) * 20 + 6
    totals["k21"] = len(user.name) * 21 + 0
    totals["k22"] = len(user.name) * 22 + 1
    totals["k23"] = len(user.name) * 23 + 2
    totals["k24"] = len(user.name) * 24 + 3
    totals["k25"] = len(user.name) * 25 + 4
    totals["k26"] = len(user.name) * 26 + 5
    totals["k27"] = len(user.name) * 27 + 6
    totals["k28"] = len(user.name) * 28 + 0
    totals["k29"] = len(user.name) * 29 + 1
    totals["k30"] = len(user.name) * 30 + 2
    totals["k31"] = len(user.name) * 31 + 3
    totals["k32"] = len(user.name) * 32 + 4
    totals["k33"] = len(user.name) * 33 + 5
    totals["k34"] = len(user.name) * 34 + 6
    totals["k35"] = len(user.name) * 35 + 0
    totals["k36"] = len(user.name) * 36 + 1
    totals["k37"] = len(user.name) * 37 + 2
    totals["k38"] = len(user.name) * 38 + 3
    totals["k39"] = len(user.name) * 39 + 4
    totals["k40"] = len(user.name) * 40 + 5
    totals["k41"] = len(user.name) * 41 + 6
    totals["k42"] = len(user.name) * 42 + 0
    totals["k43"] = len(user.name) * 43 + 1
    totals["k44"] = len(user.name) * 44 + 2
    totals["k45"] = len(user.name) * 45 + 3
    totals["k46"] = len(user.name) * 46 + 4
    totals["k47"] = len(user.name) * 47 + 5
    totals["k48"] = len(user.name) * 48 + 6
    totals["k49"] = len(user.name) * 49 + 0
    totals["k50"] = len(user.name) * 50 + 1
    totals["k51"] = len(user.name) * 51 + 2
    return totals


# ✓ the same long work after the session is closed.
@router.get("/summary2/{uid}")
# ppa-ok: resource.resource_scope_mismatch
async def summary2(uid: int, db: SessionDep):
    user = await db.get(User, uid)
    name = user.name
    await db.close()
    totals = {}
    totals["k0"] = len(name) * 0 + 0
    totals["k1"] = len(name) * 1 + 1
    totals["k2"] = len(name) * 2 + 2
    totals["k3"] = len(name) * 3 + 3
    totals["k4"] = len(name) * 4 + 4
    totals["k5"] = len(name) * 5 + 5
    totals["k6"] = len(name) * 6 + 6
    totals["k7"] = len(name) * 7 + 0
    totals["k8"] = len(name) * 8 + 1
    totals["k9"] = len(name) * 9 + 2
    totals["k10"] = len(name) * 10 + 3
    totals["k11"] = len(name) * 11 + 4
    totals["k12"] = len(name) * 12 + 5
    totals["k13"] = len(name) * 13 + 6
    totals["k14"] = len(name) * 14 + 0
    totals["k15"] = len(name) * 15 + 1
    totals["k16"] = len(name) * 16 + 2
    totals["k17"] = len(name) * 17 + 3
    totals["k18"] = len(name) * 18 + 4
    totals["k19"] = len(name) * 19 + 5
    totals["k20"] = len(name) * 20 + 6
    totals["k21"] = len(name) * 21 + 0
    totals["k22"] = len(name) * 22 + 1
    totals["k23"] = len(name) * 23 + 2
    totals["k24"] = len(name) * 24 + 3
    totals["k25"] = len(name) * 25 + 4
    totals["k26"] = len(name) * 26 + 5
    totals["k27"] = len(name) * 27 + 6
    totals["k28"] = len(name) * 28 + 0
    totals["k29"] = len(name) * 29 + 1
    totals["k30"] = len(name) * 30 + 2
    totals["k31"] = len(name) * 31 + 3
    totals["k32"] = len(name) * 32 + 4
    totals["k33"] = len(name) * 33 + 5
    totals["k34"] = len(name) * 34 + 6
    totals["k35"] = len(name) * 35 + 0
    totals["k36"] = len(name) * 36 + 1
    totals["k37"] = len(name) * 37 + 2
    totals["k38"] = len(name) * 38 + 3
    totals["k39"] = len(name) * 39 + 4
    totals["k40"] = len(name) * 40 + 5
    totals["k41"] = len(name) * 41 + 6
    totals["k42"] = len(name) * 42 + 0
    totals["k43"] = len(name) * 43 + 1
    totals["k44"] = len(name) * 44 + 2
    totals["k45"] = len(name) * 45 + 3
    totals["k46"] = len(name) * 46 + 4
    totals["k47"] = len(name) * 47 + 5
    totals["k48"] = len(name) * 48 + 6
    totals["k49"] = len(name) * 49 + 0
    totals["k50"] = len(name) * 50 + 1
    totals["k51"] = len(name) * 51 + 2
    return totals


# A provider that returns (not yields) a session: FastAPI never closes it.
def get_plain_session():
    # ppa: resource.missing_cleanup HIGH
    return SessionLocal()


@router.get("/plain")
# ppa-ok: resource.missing_cleanup                 reported once, at the provider
async def plain(db: AsyncSession = Depends(get_plain_session)):
    return {"n": await db.scalar(select(User.id).limit(1))}


@router.get("/plain-again")
async def plain_again(db: AsyncSession = Depends(get_plain_session)):
    return {"n": await db.scalar(select(User.id).limit(2))}


# The same shape through a variable, injected through an `Annotated` alias.
def get_plain_db():
    db = SessionLocal()
    # ppa: resource.missing_cleanup HIGH
    return db


PlainDb = Annotated[AsyncSession, Depends(get_plain_db)]


@router.get("/plain-alias")
async def plain_alias(db: PlainDb):
    return {"n": await db.scalar(select(User.id).limit(3))}


# ✓ a factory that returns a session nobody injects: its callers own it (`with make_session()`).
def make_session():
    # ppa-ok: resource.missing_cleanup
    return SessionLocal()


# ✓ a dependency returning the factory itself, not a session: the handler opens and closes it.
def get_factory():
    # ppa-ok: resource.missing_cleanup
    return SessionLocal


# ✓ a dependency returning something else with a session-like name.
def get_session_id(request_id: str = "x"):
    # ppa-ok: resource.missing_cleanup
    return make_session_id(request_id)


@router.get("/factory")
async def with_factory(factory=Depends(get_factory), sid: str = Depends(get_session_id)):
    async with factory() as db:
        return {"n": await db.scalar(select(User.id).limit(1)), "sid": sid}


# A class dependency holding the session, handed to a background task.
class Repo:
    def __init__(self, db: SessionDep):
        self.db = db


@router.post("/repo-task")
# ppa: resource.factory_vs_injection HIGH
async def repo_task(bg: BackgroundTasks, repo: Repo = Depends(Repo)):
    bg.add_task(reindex, 1, repo)
    return {"ok": True}


# A class dependency that holds no session: nothing to close underneath the task.
class Settings:
    def __init__(self, region: str = "eu"):
        self.region = region


@router.post("/settings-task")
# ppa-ok: resource.factory_vs_injection
async def settings_task(bg: BackgroundTasks, settings: Settings = Depends(Settings)):
    bg.add_task(reindex, 1, settings)
    return {"ok": True}


# ✓ `to_thread` is awaited by the request: not a background task.
@router.get("/threaded")
# ppa-ok: resource.factory_vs_injection
def threaded(db: DbDep):
    return asyncio.to_thread(load_user, db)


def load_user(db):
    return db.get(User, 1)
