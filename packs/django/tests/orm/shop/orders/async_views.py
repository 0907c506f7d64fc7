"""Async views: the sync ORM blocks the event loop (runtime.blocking_io_in_async)."""
from asgiref.sync import sync_to_async
from django.http import JsonResponse

from .models import Order, Product


async def async_orders(request):
    # ppa: runtime.blocking_io_in_async HIGH     a sync read in a coroutine
    n = Order.objects.filter(paid=True).count()
    # ppa-ok: runtime.blocking_io_in_async       the async API
    m = await Order.objects.filter(paid=True).acount()
    # ppa: runtime.blocking_io_in_async HIGH     evaluating a queryset
    rows = list(Order.objects.filter(paid=False))
    # ppa-ok: runtime.blocking_io_in_async       async iteration
    async for o in Order.objects.filter(paid=True):
        rows.append(o)
    # ppa: runtime.blocking_io_in_async HIGH     plain iteration of a queryset
    for p in Product.objects.all():
        rows.append(p)
    order = await Order.objects.aget(pk=request.GET["pk"])
    order.status = "seen"
    # ppa: runtime.blocking_io_in_async HIGH     sync save of an instance
    order.save()
    # ppa-ok: runtime.blocking_io_in_async       asave
    await order.asave()
    # ppa-ok: runtime.blocking_io_in_async       offloaded to a worker thread
    total = await sync_to_async(Order.objects.count)()
    # ppa-ok: runtime.blocking_io_in_async       offloaded call with arguments
    await sync_to_async(lambda: Order.objects.filter(paid=True).update(status="x"))()

    def work():
        # ppa-ok: runtime.blocking_io_in_async   a sync function run by sync_to_async
        return Order.objects.filter(paid=True).delete()

    await sync_to_async(work)()
    # ppa-ok: runtime.blocking_io_in_async       a dict's get
    request.GET.get("x")
    return JsonResponse({"n": n, "m": m, "total": total})


async def refresh_cache():
    # ppa: runtime.blocking_io_in_async MEDIUM   not on the request path
    Product.objects.create(sku="x", title="y")


def sync_view(request):
    # ppa-ok: runtime.blocking_io_in_async       a sync view
    return JsonResponse({"n": Order.objects.count()})
