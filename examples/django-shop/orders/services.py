"""Order services, called by the views (on the request path) and by the nightly command."""
from decimal import Decimal

import requests
from django.db import transaction

from catalog.models import Product
from .models import AuditEntry, Order, OrderLine


def place_order(customer, cart):
    order = Order.objects.create(customer=customer)
    total = Decimal(0)
    for sku, quantity in cart.items():
        product = Product.objects.get(sku=sku)
        OrderLine.objects.create(order=order, product=product, quantity=quantity, price=product.price)
        total += product.price * quantity
    order.total = total
    order.save(update_fields=["total"])
    return order


def place_order_bulk(customer, cart):
    # Safe: one query for the products, one INSERT for the lines.
    order = Order.objects.create(customer=customer)
    products = Product.objects.in_bulk(list(cart), field_name="sku")
    lines = [OrderLine(order=order, product=products[s], quantity=q, price=products[s].price) for s, q in cart.items()]
    OrderLine.objects.bulk_create(lines, batch_size=500)
    return order


def ship(order_ids):
    for order in Order.objects.filter(pk__in=order_ids):
        order.status = "shipped"
        order.save(update_fields=["status"])
        AuditEntry(order=order, message="shipped").save()


def ship_bulk(order_ids):
    # Safe: one UPDATE.
    return Order.objects.filter(pk__in=order_ids).update(status="shipped")


def capture_payment(order, gateway_url):
    with transaction.atomic():
        order.status = "paid"
        order.save(update_fields=["status"])
        requests.post(gateway_url, json={"order": order.pk, "amount": str(order.total)}, timeout=10)
        # Safe: runs after the commit.
        transaction.on_commit(lambda: requests.post(gateway_url + "/notify", json={"order": order.pk}, timeout=10))
