"""shop: a stock trigger that notifies `stock_alerts`.

billing's first migration depends on this one and drops the trigger, so no publisher of
`stock_alerts` is left and the fixture expects no finding here. In path order billing/ would
come first, and the trigger would survive as an orphaned publisher.
"""

from django.db import migrations


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        migrations.RunSQL(
            """
            CREATE FUNCTION notify_stock() RETURNS trigger AS $$
            BEGIN
                PERFORM pg_notify('stock_alerts', NEW.sku);
                RETURN NEW;
            END;
            $$ LANGUAGE plpgsql;
            CREATE TRIGGER stock_notify AFTER UPDATE ON shop_stock
            FOR EACH ROW EXECUTE FUNCTION notify_stock();
            """,
            reverse_sql="DROP TRIGGER stock_notify ON shop_stock",
        ),
    ]
