"""billing: stock alerts move to the billing service, which drops shop's trigger."""

from django.db import migrations


class Migration(migrations.Migration):
    initial = True
    dependencies = [
        ("shop", "0001_initial"),
        migrations.swappable_dependency("auth.User"),
    ]

    operations = [
        migrations.RunSQL("DROP TRIGGER IF EXISTS stock_notify ON shop_stock"),
    ]
