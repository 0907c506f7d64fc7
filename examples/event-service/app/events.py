"""Channel names shared by publishers and consumers."""

ORDERS_CREATED = "orders:created"
JOB_EVENTS = "job_events"
