"""HTTP handlers."""

from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from .db import ReportingSession, get_session
from .models import Customer, Order

app = FastAPI()
SessionDep = Annotated[AsyncSession, Depends(get_session)]


@app.get("/customers/{customer_id}")
async def get_customer(customer_id: int, session: SessionDep):
    customer = await session.get(Customer, customer_id)
    if customer is None:
        raise HTTPException(status_code=404)
    return {"id": customer.id, "email": customer.email, "name": customer.name}


@app.get("/customers/{customer_id}/orders")
async def list_orders(customer_id: int, session: SessionDep):
    rows = await session.scalars(select(Order).where(Order.customer_id == customer_id).limit(50))
    return [{"id": o.id, "items": len(o.items)} for o in rows]


@app.get("/reports/order-count")
async def order_count():
    async with ReportingSession() as session:
        return {"orders": await session.scalar(select(func.count(Order.id)))}
