"""Notify listeners when a job changes.

Revision ID: 0001
Revises:
"""

from alembic import op

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.execute(
        """
        CREATE OR REPLACE FUNCTION notify_job_change() RETURNS trigger AS $$
        BEGIN
            PERFORM pg_notify('job_events', row_to_json(NEW)::text);
            RETURN NEW;
        END;
        $$ LANGUAGE plpgsql;
        """
    )
    op.execute(
        """
        CREATE TRIGGER jobs_notify
        AFTER INSERT OR UPDATE ON jobs
        FOR EACH ROW EXECUTE FUNCTION notify_job_change();
        """
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS jobs_notify ON jobs")
    op.execute("DROP FUNCTION IF EXISTS notify_job_change()")
