# CHECKS.md §4 resource.pool_configuration, PY examples.
import os

from sqlalchemy import event
from sqlalchemy.ext.asyncio import create_async_engine

DSN = os.environ["DATABASE_URL"]

# ppa: resource.pool_configuration
engine = create_async_engine(DSN)  # no pre_ping/recycle, no listeners

# ppa-ok: resource.pool_configuration
tuned = create_async_engine(DSN, pool_pre_ping=True, pool_recycle=1800, pool_size=10, max_overflow=5)


@event.listens_for(tuned.sync_engine, "checkout")
def on_checkout(dbapi_conn, conn_record, conn_proxy):
    conn_record.info.setdefault("checkouts", 0)
