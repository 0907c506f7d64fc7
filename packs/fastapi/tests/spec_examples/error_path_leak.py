# CHECKS.md §4 resource.error_path_leak, PY examples: a dependency that closes only on success.
from .db import SessionLocal


def get_db():
    db = SessionLocal()
    # ppa-todo: resource.error_path_leak
    yield db
    db.close()


def get_db_safe():
    db = SessionLocal()
    try:
        # ppa-ok: resource.error_path_leak
        yield db
    finally:
        db.close()
