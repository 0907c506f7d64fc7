import json

import redis.asyncio as redis

from channels import ORDERS_CREATED, SHIPMENTS, USER_EVENTS

client = redis.Redis()


async def order_created(order):
    # ppa-ok: transaction.event_channel_consistency
    await client.publish(ORDERS_CREATED, json.dumps(order))


async def shipment(order_id, carrier):
    # A dynamic channel: matched by the `shipments:*` pattern subscription.
    # ppa-ok: transaction.event_channel_consistency
    await client.publish(f"shipments:{carrier}", str(order_id))
    # ppa-ok: transaction.event_channel_consistency
    await client.publish(SHIPMENTS, str(order_id))


async def user_changed(conn, user_id):
    # ppa-ok: transaction.event_channel_consistency
    await conn.execute("SELECT pg_notify($1, $2)", USER_EVENTS, str(user_id))
    # ppa-ok: transaction.event_channel_consistency
    await conn.execute(f"NOTIFY {USER_EVENTS}")
    # ppa-ok: transaction.event_channel_consistency
    await conn.execute("SELECT pg_notify('user_events', $1)", str(user_id))


async def report_ready(conn, log):
    # ppa-ok: transaction.event_channel_consistency
    await conn.execute("NOTIFY report_ready")
    # A log line that mentions NOTIFY is not SQL that runs.
    # ppa-ok: transaction.event_channel_consistency
    log.info("NOTIFY report_failed skipped")


async def cart_abandoned(cart):
    # Published, never consumed in this project.
    # ppa: transaction.event_channel_consistency HIGH
    await client.publish("carts:abandoned", json.dumps(cart))


class Broker:
    """Not Redis: `publish` of an in-process event bus in a file without a Redis import would be
    ignored; here the file imports redis, so only string channels count."""
