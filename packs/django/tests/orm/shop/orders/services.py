"""Order services: writes per iteration (query.n_update_delete_loop, query.missing_bulk_ops)."""
import logging

from django.db import IntegrityError

from shop.crm.models import Customer
from .models import Order, OrderItem, Product, Tag

log = logging.getLogger(__name__)


def close_expired():
    for o in Order.objects.filter(status="expired"):
        o.status = "closed"
        # ppa: query.n_update_delete_loop HIGH      one UPDATE per order
        o.save(update_fields=["status"])
    # ppa-ok: query.n_update_delete_loop            the set-based fix
    Order.objects.filter(status="expired").update(status="closed")


def reprice(ids, factor):
    for pk in ids:
        # ppa: query.n_update_delete_loop HIGH      a queryset UPDATE per id
        Product.objects.filter(pk=pk).update(title="x")
        # ppa: query.n_update_delete_loop HIGH      and a DELETE
        OrderItem.objects.filter(product_id=pk).delete()
        # ppa: query.n_plus_one MEDIUM             the read half of fetch-and-save
        order = Order.objects.get(pk=pk)
        order.total = order.total * factor
        # ppa: query.n_update_delete_loop HIGH      an instance fetched and saved per id
        order.save()


def purge(customer):
    for item in customer.orders.all():
        # ppa: query.n_update_delete_loop HIGH      deleting the related rows one by one
        item.delete()
    for status in ("new", "void"):
        # ppa: query.n_update_delete_loop MEDIUM    two literal iterations
        Order.objects.filter(customer=customer, status=status).delete()


def retry(orders):
    for o in orders:
        try:
            o.status = "sent"
            # ppa: query.n_update_delete_loop HIGH   fields assigned, then saved
            o.save()
        except IntegrityError:
            o.status = "failed"
            # ppa-ok: query.n_update_delete_loop     bookkeeping for the failing item
            o.save()


def export(rows, form):
    for row in rows:
        # ppa-ok: query.n_update_delete_loop         not a model instance: nothing assigned, not a queryset
        row.save()
        # ppa-ok: query.n_update_delete_loop         a dict's update
        row.update({"seen": True})
    # ppa-ok: query.n_update_delete_loop             bulk_update is the fix
    Order.objects.bulk_update(list(rows), ["status"], batch_size=500)


def import_products(payload):
    for row in payload:
        # ppa: query.missing_bulk_ops MEDIUM        one INSERT per row
        Product.objects.create(**row)
        # ppa: query.missing_bulk_ops MEDIUM
        tag, _ = Tag.objects.get_or_create(label=row["tag"])
        p = Product(sku=row["sku"], title=row["title"])
        # ppa: query.missing_bulk_ops MEDIUM        a new instance saved per row
        # ppa-ok: query.n_update_delete_loop        a new instance is an INSERT, not an UPDATE
        p.save()
        # ppa: query.missing_bulk_ops MEDIUM
        OrderItem(product=p, quantity=1, order_id=row["order"]).save()
        # ppa: query.missing_bulk_ops MEDIUM        a related manager of a saved product
        p.tags.create(label=row["tag"] + "-x")
    # ppa-ok: query.missing_bulk_ops                the bulk API
    Product.objects.bulk_create([Product(**r) for r in payload], batch_size=500)


def restock(skus):
    for o in Order.objects.filter(status="backorder"):
        # ppa: query.missing_bulk_ops MEDIUM        a related manager of each row of a queryset
        o.items.create(product_id=skus[0], quantity=1)
    order = Order.objects.get(pk=1)
    for sku in skus:
        # ppa: query.missing_bulk_ops MEDIUM        a related manager of a fetched order
        order.items.get_or_create(product_id=sku)


def tag_all(products, labels):
    for p in products:
        # ppa-ok: query.missing_bulk_ops            `p` is a parameter's element: no known model row
        p.tags.create(label=labels[0])
    client = make_client()
    for label in labels:
        # ppa-ok: query.missing_bulk_ops            an API client, not a model row
        client.tags.create(label=label)


def notify_all(clients):
    for c in clients:
        # ppa-ok: query.missing_bulk_ops            not a model manager
        c.messages.create(text="hi")
        # ppa-ok: query.missing_bulk_ops            not a model
        log.info("created %s", c)


def duplicate(customer, target):
    for o in customer.orders.all():
        o.pk = None
        o.customer = target
        # ppa: query.missing_bulk_ops MEDIUM        a copy per row is an INSERT
        # ppa-ok: query.n_update_delete_loop
        o.save()


def pending_batches():
    while True:
        batch = Order.objects.filter(status="new").values_list("pk", flat=True)
        if not batch:
            break
        # ppa-ok: query.n_plus_one                  a batch loop: one query per round, not per row
        for pk in batch:
            # ppa: query.n_update_delete_loop HIGH
            Order.objects.filter(pk=pk).update(status="queued")


def lookup(ids):
    by_pk = Order.objects.in_bulk(ids)
    for pk in ids:
        # ppa-ok: query.n_plus_one                  a dict's get on the in_bulk result
        by_pk.get(pk)


def purge_void():
    for o in Order.objects.filter(status="void").iterator(chunk_size=500):
        # ppa: query.n_update_delete_loop HIGH      iterator() still yields one instance per row
        o.delete()


def count_per_model(models_to_check, customer):
    counts = {}
    for model in models_to_check:
        # ppa: query.n_plus_one MEDIUM              a model held in a variable
        counts[model.__name__] = model.objects.filter(customer=customer).count()
        # ppa-ok: query.n_plus_one                  any other lower-case receiver is no model
        counts["x"] = model.cache.filter(customer=customer).count()
    return counts


def load_by_type(ids_by_model):
    out = {}
    for model, ids in ids_by_model.items():
        # ppa-ok: query.n_plus_one                  one set-based read per model, not per row
        out.update(model.objects.in_bulk(ids))
    for chunk in chunks(list(ids_by_model)):
        # ppa-ok: query.n_plus_one                  chunked batch loading
        out.update({o.pk: o for o in Order.objects.filter(pk__in=chunk)})
    return out
