"""A coroutine that builds an instance and saves it through the sync API: reported although the
instance comes from its constructor, not from a queryset."""
from .models import Order


async def checkout(request):
    order = Order(status="new")
    # ppa: runtime.blocking_io_in_async HIGH     sync save of an instance built here
    order.save()
    # ppa-ok: runtime.blocking_io_in_async       the async API
    await order.asave()
    # ppa-ok: runtime.blocking_io_in_async       a dict's get
    note = request.GET.get("note")
    receipt = {"order": order.pk, "note": note}
    # ppa-ok: runtime.blocking_io_in_async       a dict's update, not a queryset's
    receipt.update(status="placed")
    return receipt
