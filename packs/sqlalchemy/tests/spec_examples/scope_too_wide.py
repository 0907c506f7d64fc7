# CHECKS.md §4 transaction.scope_too_wide, PY examples: a webhook call inside the transaction
# vs. an outbox row written in it.
import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from .models import Order, Outbox

WEBHOOK = "https://hooks.example.com/orders"
http = httpx.AsyncClient()


async def mark_paid(s: AsyncSession, oid: int, payload: dict):
    async with s.begin():
        order = await s.get(Order, oid)
        order.status = "paid"
        await s.flush()
        # ppa: transaction.scope_too_wide
        await http.post(WEBHOOK, json=payload)


async def mark_paid_outbox(s: AsyncSession, oid: int, payload: dict):
    async with s.begin():
        order = await s.get(Order, oid)
        order.status = "paid"
        # ppa-ok: transaction.scope_too_wide
        s.add(Outbox(topic="order.paid", payload=payload))
