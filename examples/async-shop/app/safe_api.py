"""The same features as api.py, written so they never block the event loop."""
import asyncio
import json

import anyio
import bcrypt
import httpx
from fastapi import APIRouter, Request, UploadFile

from .db import get_user

router = APIRouter()
UPLOADS = anyio.Path("/var/lib/shop/uploads")
PAYMENTS_URL = "https://payments.internal/api/charges"


@router.post("/v2/login")
async def login(request: Request):
    form = await request.json()
    user = await get_user(form["email"])
    ok = await asyncio.to_thread(bcrypt.checkpw, form["password"].encode(), user.password_hash)
    return {"ok": ok}


@router.post("/v2/orders/{order_id}/pay")
async def pay(order_id: int):
    async with httpx.AsyncClient(timeout=10) as client:
        resp = await client.post(PAYMENTS_URL, json={"order": order_id})
    return {"status": resp.status_code}


@router.post("/v2/products/import")
async def import_products(file: UploadFile):
    target = UPLOADS / file.filename
    await target.write_bytes(await file.read())
    return {"stored": str(target)}


@router.post("/v2/webhooks/carrier")
async def carrier_webhook(request: Request):
    body = await request.body()
    event = await asyncio.to_thread(json.loads, body)
    return {"received": event.get("id")}


@router.get("/v2/orders/{order_id}/status")
async def order_status(order_id: int):
    await asyncio.sleep(0.5)
    return {"order": order_id, "status": json.dumps({"state": "packed"})}


def export_sync(path):
    # A sync function: FastAPI runs it in a threadpool.
    with open(path) as fh:
        return fh.read()
