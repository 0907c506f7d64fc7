# Models for the CHECKS.md §4 examples (docs/spec-examples.md).
from django.db import models


class Customer(models.Model):
    name = models.CharField(max_length=120)


class Order(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE)
    paid = models.BooleanField(default=False)
    expired = models.BooleanField(default=False)
    status = models.CharField(max_length=20)


class Event(models.Model):
    kind = models.CharField(max_length=40)
    payload = models.JSONField()
