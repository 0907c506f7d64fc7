"""HTTP API of the shop. Every handler here has a defect ppa reports."""
import json
import time
from pathlib import Path

import bcrypt
import requests
from fastapi import APIRouter, Request, UploadFile

from .db import get_user

router = APIRouter()
UPLOADS = Path("/var/lib/shop/uploads")
PAYMENTS_URL = "https://payments.internal/api/charges"


@router.post("/login")
async def login(request: Request):
    form = await request.json()
    user = await get_user(form["email"])
    # Password hashing takes 100+ ms of CPU: every other request waits.
    if not bcrypt.checkpw(form["password"].encode(), user.password_hash):
        return {"ok": False}
    return {"ok": True}


@router.post("/orders/{order_id}/pay")
async def pay(order_id: int):
    # A blocking HTTP call on the event loop.
    resp = requests.post(PAYMENTS_URL, json={"order": order_id}, timeout=10)
    return {"status": resp.status_code}


@router.post("/products/import")
async def import_products(file: UploadFile):
    target = UPLOADS / file.filename
    # Blocking file write inside a coroutine.
    target.write_bytes(await file.read())
    return {"stored": str(target)}


@router.post("/webhooks/carrier")
async def carrier_webhook(request: Request):
    body = await request.body()
    # Parsing a body of unbounded size on the event loop.
    event = json.loads(body)
    return {"received": event.get("id")}


@router.get("/orders/{order_id}/status")
async def order_status(order_id: int):
    # "Give the warehouse a moment": freezes the whole server instead.
    time.sleep(0.5)
    return {"order": order_id, "status": "packed"}
