# CHECKS.md §4 resource.error_path_leak, PY examples: a dependency that closes only on success.
import os
from collections.abc import Iterator

from sqlalchemy import create_engine
from sqlalchemy.orm import Session, sessionmaker

engine = create_engine(os.environ["DATABASE_URL"], pool_pre_ping=True)
SessionLocal = sessionmaker(engine)


def get_db() -> Iterator[Session]:
    db = SessionLocal()
    # ppa: resource.error_path_leak
    yield db
    db.close()


def get_db_safe() -> Iterator[Session]:
    db = SessionLocal()
    try:
        # ppa-ok: resource.error_path_leak
        yield db
    finally:
        db.close()
