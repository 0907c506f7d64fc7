from sqlalchemy import create_engine


class Database:
    def __init__(self, url):
        # ppa-ok: resource.pool_configuration
        self.engine = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


database = Database("postgresql://app@db/app")
