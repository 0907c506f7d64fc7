# CHECKS.md §4 runtime.missing_to_thread, PY examples.
import asyncio

import bcrypt
import lxml.etree
from fastapi import FastAPI
from pydantic import BaseModel

app = FastAPI()


class Creds(BaseModel):
    name: str
    pw: str


class StoredUser:
    hash: bytes = b""


user = StoredUser()


@app.post("/login")
async def login(c: Creds):
    # ppa: runtime.missing_to_thread HIGH
    ok = bcrypt.checkpw(c.pw.encode(), user.hash)
    return {"ok": ok}


@app.post("/login2")
async def login_offloaded(c: Creds):
    # ppa-ok: runtime.missing_to_thread
    ok = await asyncio.to_thread(bcrypt.checkpw, c.pw.encode(), user.hash)
    return {"ok": ok}


async def ingest(raw: bytes):
    # ppa: runtime.missing_to_thread
    tree = lxml.etree.fromstring(raw)
    return tree.tag
