# resource.pool_configuration for SQLAlchemy engines (CHECKS.md §4.4), one finding per gap, each
# at the code that shows it: the constructor (liveness), the option (bounds), the assigned name
# (monitoring), the argument list (default sizes). This project has no HTTP handlers (F10) and
# no deployment files (F9); see the sub-directories for those.
import os
from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy import create_engine, engine_from_config, event
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool, StaticPool

from .settings import settings

DSN = "postgresql+asyncpg://app:secret@db:5432/app"
POOL_SIZE = 20
RECYCLE = 30 * 60

# The spec's ✗: no pre_ping/recycle (HIGH), no listener (MEDIUM), default sizes (LOW).
# ppa: resource.pool_configuration HIGH
# ppa: resource.pool_configuration MEDIUM
# ppa: resource.pool_configuration LOW
engine = create_async_engine(DSN)

# The spec's ✓: liveness, bounds, and a checkout listener (below).
# ppa-ok: resource.pool_configuration
tuned = create_async_engine(DSN, pool_pre_ping=True, pool_recycle=1800, pool_size=10, max_overflow=5)


@event.listens_for(tuned.sync_engine, "checkout")
def on_checkout(dbapi_connection, connection_record, connection_proxy):
    connection_record.info["checked_out"] = True


# Each gap on its own line: the HIGH liveness gap at the constructor, the unbounded overflow at
# its option; sizes are explicit, so no LOW.
# ppa: resource.pool_configuration HIGH
unbounded = sa.create_engine(
    "postgresql://app@db/app",
    pool_pre_ping=False,
    pool_recycle=-1,
    pool_size=10,
    # ppa: resource.pool_configuration HIGH
    max_overflow=-1,
)
# ppa-ok: resource.pool_configuration
event.listen(unbounded, "checkin", lambda dbapi_connection, record: None)

zero = create_engine(
    DSN,
    pool_recycle=RECYCLE,
    # ppa: resource.pool_configuration HIGH
    pool_size=0,
)
event.listen(zero, "invalidate", lambda dbapi_connection, record, exc: None)

# A `connect` listener sets session parameters; it does not monitor the pool.
# ppa: resource.pool_configuration MEDIUM
tz_engine = create_engine(DSN, pool_pre_ping=True, pool_size=10, max_overflow=5)


@event.listens_for(tz_engine, "connect")
def set_timezone(dbapi_connection, connection_record):
    dbapi_connection.cursor().execute("SET TIME ZONE 'UTC'")


# Recycling alone is liveness enough (RECYCLE is a constant: 1800 s); POOL_SIZE is not a default.
# ppa-ok: resource.pool_configuration
recycled = create_engine(DSN, pool_recycle=RECYCLE, pool_size=POOL_SIZE, max_overflow=0)
event.listen(recycled, "checkout", lambda *args: None)

# Built from a settings object: options whose values are not literals count as set.
# ppa-ok: resource.pool_configuration
from_settings = create_engine(
    settings.DATABASE_URL,
    pool_pre_ping=settings.DB_PRE_PING,
    pool_size=settings.DB_POOL_SIZE,
    max_overflow=settings.DB_MAX_OVERFLOW,
)
event.listen(from_settings, "checkout", lambda *args: None)

# Options in a dict literal passed with ** are read like keywords.
ENGINE_OPTIONS = {"pool_pre_ping": True, "pool_size": 15, "max_overflow": 5}
# ppa-ok: resource.pool_configuration
from_dict = create_engine(os.environ["DATABASE_URL"], **ENGINE_OPTIONS)
event.listen(from_dict, "checkout", lambda *args: None)

# A dict changed after its assignment, or a splat of unknown contents: the options (NullPool
# included) cannot be judged; the site counts in the check's warning.
tuning = {"pool_size": 5}
tuning["pool_pre_ping"] = True


def build_engine(url, **kwargs):
    # ppa-ok: resource.pool_configuration
    return create_engine(url, **kwargs, **tuning)


# An engine that lives for one call (used only as a receiver): not a pool to configure.
def check_connection(url):
    # ppa-ok: resource.pool_configuration
    probe = create_engine(url)
    with probe.connect() as conn:
        conn.exec_driver_sql("select 1")
    probe.dispose()


# Another dialect than a database server: not checked.
# ppa-ok: resource.pool_configuration
sheets = create_engine("gsheets://", service_account_info={})


# The caller's keywords are not followed into the helper: a known gap.
# ppa-todo: resource.pool_configuration
helper_engine = build_engine(DSN)

# SQLite is skipped, and so are single-connection pools.
# ppa-ok: resource.pool_configuration
local = create_engine("sqlite:///./local.db")
# ppa-ok: resource.pool_configuration
memory = create_engine("postgresql://app@db/app", poolclass=StaticPool)

# NullPool without HTTP handlers in the project: no pool, nothing to report.
# ppa-ok: resource.pool_configuration
batch = create_engine(DSN, poolclass=NullPool)


# An engine returned by a cached factory, watched through the factory's result.
@lru_cache
def get_engine():
    # ppa-ok: resource.pool_configuration
    return create_engine(DSN, pool_pre_ping=True, pool_size=10, max_overflow=10)


event.listen(get_engine(), "checkout", lambda *args: None)


class Database:
    def __init__(self, url: str) -> None:
        # ppa-ok: resource.pool_configuration
        self.engine = create_async_engine(url, pool_pre_ping=True, pool_size=8, max_overflow=2)
        event.listen(self.engine.sync_engine, "checkout", self._on_checkout)

    def _on_checkout(self, *args):
        pass


# engine_from_config: options come from the configuration; a dict literal is read (strings are
# coerced as SQLAlchemy does), anything else cannot be judged.
# ppa: resource.pool_configuration HIGH
# ppa: resource.pool_configuration MEDIUM
configured = engine_from_config({"sqlalchemy.url": DSN, "sqlalchemy.pool_size": "0"}, prefix="sqlalchemy.")
# ppa-ok: resource.pool_configuration
from_ini = engine_from_config(settings.ini_section, prefix="sqlalchemy.")


# Locals of two functions share a name: a listener in one does not watch the other.
def make_primary(url):
    primary = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)
    event.listen(primary, "checkout", lambda *args: None)
    return primary


def make_replica(url):
    # ppa: resource.pool_configuration MEDIUM
    primary = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)
    return primary


# A module's engine built in a startup hook (`global`): judged like one at module level, and the
# listener registered on the module's name watches it.
shared_engine = None


def init_db(url):
    global shared_engine
    # ppa: resource.pool_configuration HIGH
    shared_engine = create_engine(url, pool_size=10, max_overflow=10)


event.listen(shared_engine, "checkout", lambda *args: None)
