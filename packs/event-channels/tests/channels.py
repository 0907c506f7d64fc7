"""Shared channel names (F14 constants)."""

ORDERS_CREATED = "orders:created"
USER_EVENTS = "user_events"
SHIPMENTS = "shipments"
