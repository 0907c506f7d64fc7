"""drop the orders notify trigger: order events now go through Redis."""

from alembic import op

revision: str = "0a9f"
down_revision: str = "3c1d"


def upgrade():
    op.execute("DROP TRIGGER IF EXISTS orders_notify ON orders")
    op.execute("DROP FUNCTION IF EXISTS notify_order()")


def downgrade():
    op.execute(
        "CREATE TRIGGER orders_notify AFTER INSERT ON orders FOR EACH ROW EXECUTE FUNCTION notify_order()"
    )
