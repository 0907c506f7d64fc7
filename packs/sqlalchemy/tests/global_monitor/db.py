from sqlalchemy import create_engine

# Monitored by the class-level listener; only the default sizes remain.
# ppa: resource.pool_configuration LOW
engine = create_engine("postgresql://app@db/app", pool_pre_ping=True)
