# CHECKS.md §4 resource.pool_configuration, PY example: NullPool on a serverless deployment (F9).
import os

from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

DSN = os.environ["DATABASE_URL"]

# ppa-ok: resource.pool_configuration
engine = create_engine(DSN, poolclass=NullPool)


def handler(event, context):
    with engine.connect() as conn:
        return conn.execute(text("select 1")).scalar()
