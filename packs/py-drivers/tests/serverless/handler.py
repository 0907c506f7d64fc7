# On Vercel functions the pool lives as long as one instance: default sizes are no finding.
from psycopg_pool import ConnectionPool

# ppa-ok: resource.pool_configuration
pool = ConnectionPool("postgresql://app@db/app", check=ConnectionPool.check_connection)
