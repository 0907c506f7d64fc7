# Six gunicorn workers against max_connections=50.
import asyncpg

# 6 × 10 = 60 > 50: the default size is too big for this server.
# ppa: resource.pool_configuration MEDIUM
pool = asyncpg.create_pool("postgresql://app@postgres/app")

# ppa-ok: resource.pool_configuration
small = asyncpg.create_pool("postgresql://app@postgres/app", min_size=1, max_size=5)
