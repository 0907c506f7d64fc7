# MySQL closes connections idle for wait_timeout (28800 s by default): the pool must recycle
# them sooner. The database kind comes from the DSN, or from the project's only SQL driver
# (pymysql in requirements.txt) when the DSN is read from the environment.
import os

from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
from sqlalchemy import create_engine

primary = create_engine(
    # ppa: resource.pool_configuration HIGH
    "mysql+pymysql://app:secret@mysql/app",
    pool_pre_ping=True,
    pool_size=10,
    max_overflow=5,
)

legacy = create_engine(
    "mysql+pymysql://app:secret@mysql/legacy",
    pool_pre_ping=True,
    # ppa: resource.pool_configuration HIGH
    pool_recycle=28800,
    pool_size=10,
    max_overflow=5,
)

# ppa-ok: resource.pool_configuration
reports = create_engine("mariadb+pymysql://app@mysql/reports", pool_recycle=3600, pool_size=4, max_overflow=0)

from_env = create_engine(
    # ppa: resource.pool_configuration HIGH
    os.environ["DATABASE_URL"],
    pool_pre_ping=True,
    pool_size=10,
    max_overflow=5,
)

# Without pre_ping or recycle on MySQL: two HIGH gaps, at the constructor and at the URL.
# ppa: resource.pool_configuration HIGH
bare = create_engine(
    # ppa: resource.pool_configuration HIGH
    "mysql://app@mysql/app",
    pool_size=10,
    max_overflow=5,
)

# Instrumented engines are monitored; `audit` below is not among them.
SQLAlchemyInstrumentor().instrument(engines=[primary, legacy, reports, from_env, bare])

# ppa: resource.pool_configuration MEDIUM
audit = create_engine(
    "mysql+pymysql://app@mysql/audit",
    pool_recycle=3600,
    pool_size=2,
    max_overflow=0,
)
