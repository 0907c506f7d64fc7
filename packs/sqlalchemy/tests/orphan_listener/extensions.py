# A listener on an engine known by another name (an attribute of an extension object): it cannot
# be linked to a construction site, so no site is reported for missing monitoring.
from sqlalchemy import event

from .db import database


@event.listens_for(database.engine, "checkin")
def on_checkin(dbapi_connection, connection_record):
    pass
