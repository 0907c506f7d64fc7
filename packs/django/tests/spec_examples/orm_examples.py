# CHECKS.md §4 query.n_plus_one, query.n_update_delete_loop, query.missing_bulk_ops: Django PY examples.
from .models import Event, Order


def paid_customers():
    for o in Order.objects.filter(paid=True):
        # ppa: query.n_plus_one
        print(o.customer.name)


def paid_customers_joined():
    for o in Order.objects.select_related("customer").filter(paid=True):
        # ppa-ok: query.n_plus_one
        print(o.customer.name)


def close_expired():
    for o in Order.objects.filter(expired=True):
        o.status = "closed"
        # ppa: query.n_update_delete_loop
        o.save()


def close_expired_bulk():
    # ppa-ok: query.n_update_delete_loop
    Order.objects.filter(expired=True).update(status="closed")


def ingest(payload: list[dict]):
    for row in payload:
        # ppa: query.missing_bulk_ops
        Event.objects.create(**row)


def ingest_bulk(payload: list[dict]):
    # ppa-ok: query.missing_bulk_ops
    Event.objects.bulk_create([Event(**r) for r in payload], batch_size=500)
