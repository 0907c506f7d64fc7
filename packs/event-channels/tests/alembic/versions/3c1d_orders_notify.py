"""orders notify trigger (the first revision; its file name sorts after the next one's).

Revision 0a9f follows this one (down_revision) and drops the trigger, so no publisher of
`order_events` is left and the fixture expects no finding anywhere in this file. Applied in path
order instead, 0a9f would come first and the trigger would survive as an orphaned publisher.
"""

from alembic import op

revision = "3c1d"
down_revision = None


def upgrade():
    op.execute(
        """
        CREATE OR REPLACE FUNCTION notify_order() RETURNS trigger AS $$
        BEGIN
            PERFORM pg_notify('order_events', NEW.id::text);
            RETURN NEW;
        END;
        $$ LANGUAGE plpgsql;
        CREATE TRIGGER orders_notify AFTER INSERT ON orders
        FOR EACH ROW EXECUTE FUNCTION notify_order();
        """
    )


def downgrade():
    op.execute("DROP TRIGGER orders_notify ON orders")
