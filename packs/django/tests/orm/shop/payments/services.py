"""Payments: external work inside atomic blocks (transaction.scope_too_wide, long_held_transaction)."""
import time

import boto3
import requests
from django.core.mail import send_mail
from django.db import transaction

from shop.orders.models import Order

WEBHOOK = "https://hooks.example.com/paid"


def mark_paid(order_id):
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        order.paid = True
        order.save()
        # ppa: transaction.scope_too_wide HIGH        the webhook waits with the row locked
        requests.post(WEBHOOK, json={"id": order_id}, timeout=5)
        # ppa: transaction.scope_too_wide HIGH        and so does the mail
        send_mail("Paid", "Thanks", "shop@example.com", [order.customer.email])
        # ppa-ok: transaction.scope_too_wide          deferred past the commit
        transaction.on_commit(lambda: requests.post(WEBHOOK, json={"id": order_id}, timeout=5))
    # ppa-ok: transaction.scope_too_wide              after the commit
    requests.post(WEBHOOK, json={"id": order_id}, timeout=5)


@transaction.atomic
def refund(order_id):
    order = Order.objects.get(pk=order_id)
    order.status = "refunded"
    order.save(update_fields=["status"])
    # ppa: transaction.scope_too_wide MEDIUM          file I/O in a writing transaction
    with open("/var/log/refunds.log", "a") as fh:
        fh.write(f"{order_id}\n")


def quote(order_id):
    with transaction.atomic():
        order = Order.objects.get(pk=order_id)
        # ppa: transaction.long_held_transaction HIGH  a read-only transaction held across the network
        # ppa-ok: transaction.scope_too_wide           no write in this span
        rate = requests.get(f"https://fx.example.com/{order.total}", timeout=5).json()
    return rate


def settle(order_id):
    with transaction.atomic():
        Order.objects.filter(pk=order_id).update(status="settling")
        # ppa: transaction.long_held_transaction HIGH  a sleep with the transaction open
        time.sleep(2)


def archive(order_id):
    s3 = boto3.client("s3")
    with transaction.atomic():
        Order.objects.filter(pk=order_id).update(status="archived")
        # ppa: transaction.scope_too_wide HIGH        an SDK call in a writing transaction
        s3.put_object(Bucket="archive", Key=str(order_id), Body=b"")
        # ppa-ok: transaction.scope_too_wide          URL signing does no I/O
        s3.generate_presigned_url("get_object", Params={"Bucket": "archive", "Key": str(order_id)})


def restore(order_id):
    s3 = boto3.client("s3")
    with transaction.atomic():
        order = Order.objects.get(pk=order_id)
        # ppa: transaction.long_held_transaction HIGH  a read-only transaction held across the SDK call
        return s3.get_object(Bucket="archive", Key=str(order.pk))


def notify(order_id):
    # ppa-ok: transaction.scope_too_wide              no transaction (autocommit)
    requests.post(WEBHOOK, json={"id": order_id}, timeout=5)


def rebuild_totals(order):
    # ppa: transaction.long_held_transaction MEDIUM  55 lines of work inside one atomic block
    with transaction.atomic():
        total = 0
        total += order.total * 1
        total += order.total * 2
        total += order.total * 3
        total += order.total * 4
        total += order.total * 5
        total += order.total * 6
        total += order.total * 7
        total += order.total * 8
        total += order.total * 9
        total += order.total * 10
        total += order.total * 11
        total += order.total * 12
        total += order.total * 13
        total += order.total * 14
        total += order.total * 15
        total += order.total * 16
        total += order.total * 17
        total += order.total * 18
        total += order.total * 19
        total += order.total * 20
        total += order.total * 21
        total += order.total * 22
        total += order.total * 23
        total += order.total * 24
        total += order.total * 25
        total += order.total * 26
        total += order.total * 27
        total += order.total * 28
        total += order.total * 29
        total += order.total * 30
        total += order.total * 31
        total += order.total * 32
        total += order.total * 33
        total += order.total * 34
        total += order.total * 35
        total += order.total * 36
        total += order.total * 37
        total += order.total * 38
        total += order.total * 39
        total += order.total * 40
        total += order.total * 41
        total += order.total * 42
        total += order.total * 43
        total += order.total * 44
        total += order.total * 45
        total += order.total * 46
        total += order.total * 47
        total += order.total * 48
        total += order.total * 49
        total += order.total * 50
        total += order.total * 51
        total += order.total * 52
        total += order.total * 53
        total += order.total * 54
        order.total = total
        order.save()


# ppa-ok: transaction.long_held_transaction          a short decorated span
@transaction.atomic
def touch(order):
    order.save()
