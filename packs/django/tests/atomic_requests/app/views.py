"""Views under ATOMIC_REQUESTS = True: each view is one transaction."""
import requests
from django.db import transaction
from django.http import JsonResponse

from .models import Invoice


def pay(request, pk):
    invoice = Invoice.objects.get(pk=pk)
    invoice.paid = True
    invoice.save()
    # ppa: transaction.scope_too_wide HIGH           the request transaction holds the row during the call
    requests.post("https://psp.example.com/capture", json={"id": pk})
    return JsonResponse({"ok": True})


def rate(request, pk):
    invoice = Invoice.objects.get(pk=pk)
    # ppa: transaction.long_held_transaction HIGH    a read-only request transaction held across the call
    r = requests.get(f"https://fx.example.com/{invoice.currency}")
    return JsonResponse(r.json())


def ping(request):
    # ppa-ok: transaction.long_held_transaction      no query before the call: no transaction open yet
    requests.get("https://status.example.com/")
    return JsonResponse({"ok": Invoice.objects.exists()})


@transaction.non_atomic_requests
def late(request, pk):
    invoice = Invoice.objects.get(pk=pk)
    # ppa-ok: transaction.long_held_transaction      the view opted out
    requests.get(f"https://fx.example.com/{invoice.currency}")
    return JsonResponse({"ok": True})


def webhook(request, pk):
    invoice = Invoice.objects.get(pk=pk)
    invoice.notified = True
    invoice.save()
    # ppa-ok: transaction.scope_too_wide             after the commit
    transaction.on_commit(lambda: requests.post("https://hooks.example.com/", json={"id": pk}))
    return JsonResponse({"ok": True})


def helper(pk):
    Invoice.objects.filter(pk=pk).update(paid=True)
    # ppa-ok: transaction.scope_too_wide             not a view (callees are not followed)
    requests.post("https://psp.example.com/capture", json={"id": pk})
