"""Pool metrics for the reporting engine."""

import logging

from sqlalchemy import event

from .db import reporting_engine

log = logging.getLogger(__name__)
checked_out = 0


@event.listens_for(reporting_engine.sync_engine, "checkout")
def on_checkout(dbapi_connection, connection_record, connection_proxy):
    global checked_out
    checked_out += 1


@event.listens_for(reporting_engine.sync_engine, "checkin")
def on_checkin(dbapi_connection, connection_record):
    global checked_out
    checked_out -= 1
