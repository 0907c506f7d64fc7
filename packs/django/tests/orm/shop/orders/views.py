"""Views of the orders app: N+1 reads and relation loads per row (query.n_plus_one)."""
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from rest_framework.response import Response
from rest_framework.views import APIView

from shop.crm.models import Customer
from .models import Coupon, Order, OrderItem, Product


def order_list(request):
    rows = []
    for o in Order.objects.filter(paid=True):
        # ppa: query.n_plus_one HIGH        forward key, no select_related
        rows.append({"customer": o.customer.name, "total": o.total})
        # ppa: query.n_plus_one HIGH        a method of the related object loads it too
        rows.append(o.coupon.describe())
        # ppa-ok: query.n_plus_one          the key column itself is loaded with the row
        rows.append({"customer_id": o.customer_id})
        # ppa: query.n_plus_one HIGH        reverse manager without prefetch_related
        rows.append({"items": [i.quantity for i in o.items.all()]})
    for o in Order.objects.select_related("customer").prefetch_related("items"):
        # ppa-ok: query.n_plus_one          joined by select_related
        rows.append(o.customer.email)
        # ppa-ok: query.n_plus_one          served from the prefetch cache
        rows.append(len(o.items.all()))
        # ppa: query.n_plus_one HIGH        filter() bypasses the prefetch cache
        rows.append(o.items.filter(quantity__gt=1).count())
    return JsonResponse({"rows": rows})


def order_report(request):
    # ppa-ok: query.n_plus_one              values() rows are dicts: no relation to load
    names = [o["customer__name"] for o in Order.objects.values("customer__name")]
    paid = Order.objects.select_related().filter(paid=True)
    for o in paid:
        # ppa-ok: query.n_plus_one          bare select_related() follows non-null keys
        names.append(o.customer.name)
        # ppa: query.n_plus_one HIGH        ... but not nullable ones
        names.append(o.coupon.code if o.coupon_id else "")
    # ppa: query.n_plus_one HIGH            the same in a comprehension
    emails = [o.customer.email for o in Order.objects.all()]
    # ppa: query.n_plus_one HIGH            a many-to-many manager per product
    tags = {p.sku: list(p.tags.all()) for p in Product.objects.filter(title__startswith="A")}
    # ppa-ok: query.n_plus_one              prefetched with a Prefetch object
    more = [list(p.tags.all()) for p in Product.objects.prefetch_related(Prefetch("tags"))]
    return JsonResponse({"names": names, "emails": emails, "tags": tags, "more": more})


def bulk_status(request):
    ids = request.GET.getlist("id")
    out = {}
    for pk in ids:
        # ppa: query.n_plus_one HIGH        one SELECT per id
        out[pk] = Order.objects.get(pk=pk).status
        # ppa: query.n_plus_one HIGH
        out[pk + "-items"] = OrderItem.objects.filter(order_id=pk).count()
        # ppa: query.n_plus_one HIGH        evaluating a queryset per id
        out[pk + "-list"] = len(OrderItem.objects.filter(order_id=pk))
    for code in ["a", "b", "c"]:
        # ppa: query.n_plus_one LOW         three literal iterations
        Coupon.objects.filter(code=code).exists()
    # ppa-ok: query.n_plus_one              one query for all ids
    found = Order.objects.in_bulk(ids)
    cache = {}
    for pk in ids:
        if pk not in cache:
            # ppa-ok: query.n_plus_one      cache-aside: a query per distinct key
            cache[pk] = Customer.objects.get(pk=pk)
        # ppa-ok: query.n_plus_one          a dict's get, not a manager
        out.get(pk)
    return JsonResponse({"out": out, "found": len(found)})


def customers_of(orders):
    # ppa-todo: query.n_plus_one            the loop source is a parameter: its model is unknown here
    return [o.customer.name for o in orders]


class OrderDetail(APIView):
    def get(self, request, pk):
        order = Order.objects.get(pk=pk)
        lines = []
        for item in order.items.all():
            # ppa: query.n_plus_one HIGH    the loop source is a related manager of a fetched order
            lines.append(item.product.title)
            # ppa-ok: query.n_plus_one      the key column is loaded with the row
            lines.append(item.product_id)
            # ppa: query.n_plus_one HIGH    in a DRF view
            lines.append(Product.objects.get(pk=item.product_id).title)
        return Response({"lines": lines})


def order_lines(request, pk):
    order = get_object_or_404(Order, pk=pk)
    # ppa-ok: query.n_plus_one                  the relation is joined for every line
    titles = [i.product.title for i in order.items.select_related("product")]
    # ppa: query.n_plus_one HIGH                the order comes from get_object_or_404
    names = [i.product.title for i in order.items.filter(quantity__gt=0)]
    # ppa-ok: query.n_plus_one                  tuples of columns: no relation is loaded
    pairs = [p for p in order.items.values_list("product_id", "quantity")]
    return JsonResponse({"titles": titles, "names": names, "pairs": pairs})


def product_tags(request, sku):
    product = Product.objects.filter(sku=sku).first()
    # ppa: query.n_plus_one HIGH                a many-to-many field of the fetched product
    return JsonResponse({"tags": [t.products.count() for t in product.tags.all()]})


def lines_of(order):
    # ppa-ok: query.n_plus_one                  the owner is a parameter: its model is unknown here
    return [i.product.title for i in order.items.all()]


def poll_pending():
    while True:
        # ppa-ok: query.n_plus_one          a polling loop that sleeps between batches
        batch = list(Order.objects.filter(status="new")[:100])
        time.sleep(5)


def nightly_totals():
    totals = {}
    # ppa: query.over_fetching LOW              only the key is used; `notes` (a TextField) is loaded
    for c in Customer.objects.all():
        # ppa: query.n_plus_one MEDIUM      not on the request path
        totals[c.pk] = Order.objects.filter(customer=c).aggregate(total=Sum("total"))
        # ppa: query.n_plus_one MEDIUM      reverse manager of the customer
        totals[c.pk] = c.orders.count()
    return totals


def open_report(request):
    rows = []
    # a custom manager of an F5 model
    for o in Order.open_orders.filter(paid=False):
        # ppa: query.n_plus_one HIGH
        rows.append(o.customer.name)
    # ppa-ok: query.n_plus_one                  a class attribute that is no model's manager
    for key in Settings.cache.filter(active=True):
        rows.append(key.owner.name)
    return JsonResponse({"rows": rows})


def first_page(request):
    # ppa: query.n_plus_one MEDIUM              slicing keeps the queryset lazy: still one load per row
    return [o.customer.name for o in Order.objects.order_by("-pk")[:20]]


def customer_names(request):
    # ppa: query.n_plus_one HIGH                the comprehension's element is the relation itself
    return [o.customer for o in Order.objects.filter(paid=True)]
