"""Planted resource defects in handlers injecting sessions."""

import asyncio
from typing import Annotated

import httpx
from fastapi import APIRouter, BackgroundTasks, Depends
from fastapi.responses import StreamingResponse
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from .db import SessionLocal, get_session
from .deps import UnsafeSessionDep
from .models import Customer, Order

router = APIRouter()
crm = httpx.AsyncClient(base_url="http://crm")
SessionDep = Annotated[AsyncSession, Depends(get_session)]


# resource.resource_scope_mismatch (HIGH): one read, then a slow CRM call while the session and
# its implicit transaction stay checked out.
@router.get("/customers/{customer_id}/card")
async def customer_card(customer_id: int, session: UnsafeSessionDep):
    customer = await session.get(Customer, customer_id)
    profile = await crm.get(f"/profiles/{customer.email}")
    return {"name": customer.name, "profile": profile.json()}


async def order_feed(session: AsyncSession, customer_id: int):
    while True:
        rows = await session.scalars(select(Order.id).where(Order.customer_id == customer_id))
        yield f"data: {list(rows)}\n\n"
        await asyncio.sleep(5)


# resource.factory_vs_injection (CRITICAL): the request's session feeds the stream generator.
@router.get("/customers/{customer_id}/orders/stream")
async def stream_orders(customer_id: int, session: SessionDep):
    return StreamingResponse(order_feed(session, customer_id), media_type="text/event-stream")


async def order_ticker():
    async with SessionLocal() as session:
        while True:
            count = await session.scalar(select(Order.id).order_by(Order.id.desc()).limit(1))
            yield f"data: {count}\n\n"
            await asyncio.sleep(1)


# resource.streaming_resource_holding (CRITICAL, at the `async with` in order_ticker): the
# generator keeps its own session for the whole stream.
@router.get("/orders/ticker")
async def ticker():
    return StreamingResponse(order_ticker(), media_type="text/event-stream")


async def send_receipt(order_id: int, session: AsyncSession):
    order = await session.get(Order, order_id)
    return order.id


# resource.factory_vs_injection (HIGH): the request's session handed to a background task.
@router.post("/orders/{order_id}/receipt")
async def receipt(order_id: int, tasks: BackgroundTasks, session: SessionDep):
    tasks.add_task(send_receipt, order_id, session)
    return {"queued": True}
