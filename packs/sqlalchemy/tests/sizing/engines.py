# Eight web workers (Procfile) against a server with max_connections=100 (compose): every worker
# process has its own pool.
from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
from sqlalchemy import create_engine

SQLAlchemyInstrumentor().instrument()

URL = "postgresql+psycopg://app@db/app"

# Defaults: 8 × (5 + 10) = 120 connections > 100.
# ppa: resource.pool_configuration MEDIUM
default_sized = create_engine(URL, pool_pre_ping=True)

# 8 × (5 + 5) = 80: fits.
# ppa-ok: resource.pool_configuration
fits = create_engine(URL, pool_pre_ping=True, pool_size=5, max_overflow=5)

# 8 × (20 + 0) = 160.
# ppa: resource.pool_configuration MEDIUM
too_big = create_engine(URL, pool_pre_ping=True, pool_size=20, max_overflow=0)
