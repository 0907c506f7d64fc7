# CHECKS.md §4 resource.missing_cleanup, PY examples.
from sqlalchemy import select

from .db import SessionLocal
from .models import Cfg


def load():
    # ppa: resource.missing_cleanup
    s = SessionLocal()
    return s.scalars(select(Cfg)).all()


def load_closed():
    # ppa-ok: resource.missing_cleanup
    with SessionLocal() as s:
        return s.scalars(select(Cfg)).all()
