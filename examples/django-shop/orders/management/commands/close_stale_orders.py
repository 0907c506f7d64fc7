from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from orders.models import Customer, Order


class Command(BaseCommand):
    help = "Cancel orders left unpaid for a week and report per customer."

    def handle(self, *args, **options):
        cutoff = timezone.now() - timedelta(days=7)
        for customer in Customer.objects.all():
            stale = Order.objects.filter(customer=customer, status="new", placed_at__lt=cutoff).count()
            if stale:
                self.stdout.write(f"{customer.email}: {stale}")
        # Safe: one UPDATE.
        Order.objects.filter(status="new", placed_at__lt=cutoff).update(status="cancelled")
