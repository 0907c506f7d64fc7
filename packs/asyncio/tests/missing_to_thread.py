"""Fixture: runtime.missing_to_thread (asyncio pack)."""
import asyncio
import json

import bcrypt
import lxml.etree
from fastapi import FastAPI, Request

app = FastAPI()


@app.post("/login")
async def login(c, user):
    # Password hashing on the request path.
    # ppa: runtime.missing_to_thread HIGH
    ok = bcrypt.checkpw(c.pw.encode(), user.hash)
    return ok


@app.post("/login2")
async def login_offloaded(c, user):
    # ppa-ok: runtime.missing_to_thread
    ok = await asyncio.to_thread(bcrypt.checkpw, c.pw.encode(), user.hash)
    return ok


async def ingest(raw: bytes):
    # ppa: runtime.missing_to_thread MEDIUM
    tree = lxml.etree.fromstring(raw)
    return tree


@app.post("/webhook")
async def webhook(request: Request):
    body = await request.body()
    # A request body has no size bound.
    # ppa: runtime.missing_to_thread
    payload = json.loads(body)
    return payload


async def load_file(path):
    # ppa: runtime.blocking_io_in_async
    with open(path) as fh:
        text = fh.read()
    # ppa: runtime.missing_to_thread
    return json.loads(text)


async def small_json(job_id):
    # A literal or a value built from a few fields is bounded.
    # ppa-ok: runtime.missing_to_thread
    msg = json.dumps({"id": job_id, "state": "done"})
    return msg


async def header_json(request: Request):
    # ppa-ok: runtime.missing_to_thread
    return json.loads(request.headers["x-meta"])


async def model_roundtrip(model):
    # `.json()` of a model is a serializer of a few fields, not an unbounded body.
    # ppa-ok: runtime.missing_to_thread
    return json.loads(model.json())
