"""Customers of the shop (F5 fixture: abstract bases, implicit primary keys, Meta options)."""
from django.conf import settings
from django.db import models


class TimeStamped(models.Model):
    created = models.DateTimeField(auto_now_add=True, db_index=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Customer(TimeStamped):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    email = models.EmailField(unique=True)
    name = models.CharField(max_length=200)
    notes = models.TextField(blank=True)
    referrer = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="referrals")

    class Meta:
        db_table = "crm_customers"


class Address(TimeStamped):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="addresses", db_index=False)
    city = models.CharField(max_length=100)
    country = models.CharField(max_length=2)

    class Meta:
        indexes = [models.Index(fields=["country", "city"])]
        unique_together = (("customer", "city"),)


class CustomerForm:
    """Not a model: no base, no model field."""

    name = "customer"
