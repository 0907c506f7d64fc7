from django.db import migrations


def backfill(apps, schema_editor):
    Order = apps.get_model("orders", "Order")
    for order in Order.objects.all():
        order.status = order.status.lower()
        order.save()


class Migration(migrations.Migration):
    dependencies = []
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
