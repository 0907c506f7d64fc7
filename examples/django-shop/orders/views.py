import json

from django.conf import settings
from django.http import JsonResponse, StreamingHttpResponse
from django.views.decorators.http import require_POST

from . import services
from .models import Customer, Order


def order_history(request):
    orders = Order.objects.filter(customer__user=request.user).order_by("-placed_at")
    return JsonResponse({
        "orders": [
            {
                "id": o.pk,
                "customer": o.customer.name,
                "lines": o.lines.count(),
            }
            for o in orders
        ]
    })


def order_export(request):
    # Safe: joined up front; the line counts come from the prefetch cache.
    orders = Order.objects.select_related("customer").prefetch_related("lines")

    def rows():
        for o in orders:
            yield f"{o.pk},{o.customer.email},{len(o.lines.all())}\n"

    return StreamingHttpResponse(rows(), content_type="text/csv")


@require_POST
def checkout(request):
    customer = Customer.objects.get(user=request.user)
    order = services.place_order(customer, json.loads(request.body))
    services.capture_payment(order, settings.PAYMENT_GATEWAY_URL)
    return JsonResponse({"id": order.pk})


@require_POST
def mark_shipped(request):
    services.ship(json.loads(request.body)["ids"])
    return JsonResponse({"ok": True})


async def live_totals(request):
    paid = await Order.objects.filter(status="paid").acount()
    pending = Order.objects.filter(status="new").count()
    return JsonResponse({"paid": paid, "pending": pending})
