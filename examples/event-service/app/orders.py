"""Publishes order events to Redis."""

import json

import redis.asyncio as redis

from app.events import ORDERS_CREATED

client = redis.Redis()


async def order_created(order_id: int, total: float) -> None:
    await client.publish(ORDERS_CREATED, json.dumps({"id": order_id, "total": total}))
