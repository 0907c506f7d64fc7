"""Consumes order events from Redis."""

import redis.asyncio as redis

from app import events


async def consume() -> None:
    client = redis.Redis()
    pubsub = client.pubsub()
    # Same constant as the publisher: the names cannot drift apart.
    await pubsub.subscribe(events.ORDERS_CREATED)
    async for message in pubsub.listen():
        print(message)
