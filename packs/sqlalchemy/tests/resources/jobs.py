"""Library and background code: sessions from factories defined in db.py."""

import logging

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from .db import AsyncSessionLocal, ScopedSession, SessionLocal, engine, get_factory
from .models import Cfg, Job

log = logging.getLogger(__name__)


# CHECKS.md §4.4 missing_cleanup ✗: never closed.
def load():
    # ppa: resource.missing_cleanup HIGH
    s = SessionLocal()
    return s.scalars(select(Cfg)).all()


# ✓ the spec's safe form.
def load_with():
    with SessionLocal() as s:
        return s.scalars(select(Cfg)).all()


def count_jobs():
    # ppa: resource.missing_cleanup HIGH
    conn = engine.connect()
    n = conn.execute(text("SELECT count(*) FROM jobs")).scalar()
    return n


def early_return(job_id):
    # ppa: resource.missing_cleanup HIGH
    s = get_factory()()
    job = s.get(Job, job_id)
    if job is None:
        return None
    s.close()
    return job.id


async def refresh_async(job_id):
    # ppa: resource.missing_cleanup HIGH
    s = AsyncSessionLocal()
    await s.execute(text("UPDATE jobs SET seen = true WHERE id = :id"), {"id": job_id})
    await s.commit()


# error_path_leak (b): closed on the success path only; MEDIUM outside the request path.
def mark_done(job_id):
    # ppa: resource.error_path_leak MEDIUM
    s = SessionLocal()
    s.execute(text("UPDATE jobs SET done = true WHERE id = :id"), {"id": job_id})
    s.commit()
    s.close()


def closed_in_finally(job_id):
    # ppa-ok: resource.error_path_leak, resource.missing_cleanup
    s = SessionLocal()
    try:
        s.execute(text("UPDATE jobs SET done = true WHERE id = :id"), {"id": job_id})
        s.commit()
    finally:
        s.close()


def acquired_in_try(job_id):
    try:
        # ppa-ok: resource.error_path_leak, resource.missing_cleanup
        conn = engine.connect()
        conn.execute(text("SELECT 1"))
    finally:
        conn.close()


def work_before_try(job_id):
    # ppa: resource.error_path_leak MEDIUM
    s = Session(engine)
    s.execute(text("SELECT pg_advisory_lock(1)"))
    try:
        s.commit()
    finally:
        s.close()


def except_reraises(job_id):
    # ppa-ok: resource.error_path_leak, resource.missing_cleanup
    s = SessionLocal()
    try:
        s.execute(text("UPDATE jobs SET done = true WHERE id = :id"), {"id": job_id})
        s.commit()
    except Exception:
        s.close()
        raise
    s.close()


# Ownership transfer: the caller owns these.
def open_session():
    # ppa-ok: resource.missing_cleanup
    s = SessionLocal()
    s.info["tenant"] = "acme"
    return s


class Repo:
    def __init__(self):
        # ppa-ok: resource.missing_cleanup
        session = SessionLocal()
        self.session = session

    def close(self):
        self.session.close()


def wrapped():
    # ppa-ok: resource.missing_cleanup
    s = SessionLocal()
    return Repo2(s)


async def with_statement_later():
    # ppa-ok: resource.missing_cleanup, resource.error_path_leak
    s = AsyncSessionLocal()
    async with s:
        await s.execute(text("SELECT 1"))


def not_a_session():
    # logging handlers are not sessions
    # ppa-ok: resource.missing_cleanup
    handler = logging.getLogger("x").handlers[0]
    # an unknown `connect` of an untyped object
    # ppa-ok: resource.missing_cleanup
    client = make_client().connect()
    return handler, client


class Repo2:
    def __init__(self, s):
        self.s = s


class Reports:
    def __init__(self, engine):
        self.engine = engine

    def total(self):
        # an engine reached through an attribute: not an F8 site the record can name
        # ppa-todo: resource.missing_cleanup
        conn = self.engine.connect()
        return conn.execute(text("SELECT count(*) FROM jobs")).scalar()


def scoped_lookup(job_id):
    # the registry owns a scoped session: `ScopedSession.remove()` at teardown closes it
    # ppa-ok: resource.missing_cleanup
    s = ScopedSession()
    return s.get(Job, job_id)
