# CHECKS.md §4 transaction.scope_too_wide ✓ and transaction.long_held_transaction ✗: Django PY examples.
import time

from django.db import transaction

from .models import Order


def notify(order_id: int):
    print("paid", order_id)


def pay(o: Order):
    with transaction.atomic():
        o.save()
        # ppa-ok: transaction.scope_too_wide
        transaction.on_commit(lambda: notify(o.id))


def settle(order: Order):
    with transaction.atomic():
        order.save()
        # ppa: transaction.long_held_transaction
        time.sleep(2)
