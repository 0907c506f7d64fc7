# A checkout listener on the Engine class watches every engine of the process.
import logging

from sqlalchemy import Engine, event

log = logging.getLogger(__name__)


@event.listens_for(Engine, "checkout")
def on_checkout(dbapi_connection, connection_record, connection_proxy):
    log.debug("checkout %s", id(dbapi_connection))
