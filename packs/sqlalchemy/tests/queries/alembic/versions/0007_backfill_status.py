"""Backfill job statuses: a migration (CHECKS.md §0: scanned only by the loop-write checks,
capped at LOW)."""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"

jobs = sa.table("jobs", sa.column("id", sa.Integer), sa.column("status", sa.String))


def _backfill(conn, ids):
    for i in ids:
        # ppa: query.n_update_delete_loop LOW, a migration file
        conn.execute(jobs.update().where(jobs.c.id == i).values(status="new"))
    for i in ids:
        # ppa: query.missing_bulk_ops LOW
        conn.execute(sa.insert(jobs).values(id=i, status="new"))


def upgrade():
    _backfill(op.get_bind(), range(1000))
