"""Request handlers (entry points from ppa-facts.toml, as a web-framework pack would give)."""

import httpx
from sqlalchemy import select

from .db import SessionLocal
from .models import Job


# error_path_leak (b) in a handler: CRITICAL, the pool drains under failures.
def get_job(job_id: int):
    # ppa: resource.error_path_leak CRITICAL
    s = SessionLocal()
    job = s.get(Job, job_id)
    # the read's implicit transaction stays open across the call (not DI: the transaction check's)
    # ppa: transaction.long_held_transaction
    data = httpx.get(f"https://audit/{job.id}").json()
    s.close()
    return data


def list_jobs():
    # ppa-ok: resource.error_path_leak
    with SessionLocal() as s:
        return [j.id for j in s.scalars(select(Job))]
